"""``tensorflow.python.debug.lib``: tfdbg's dump reader and watch helpers."""
