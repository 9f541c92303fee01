"""The imperative shell: command line, state, locking, files and serving."""
