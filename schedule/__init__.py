"""The rules engine: config model, rule parsing and expansion into airings."""
