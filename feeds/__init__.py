"""Renderers: airings in, the bytes of each output file out."""
