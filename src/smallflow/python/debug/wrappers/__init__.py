"""``tensorflow.python.debug.wrappers``: tfdbg's session wrappers and hooks."""
