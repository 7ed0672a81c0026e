"""``smallflow.python.client``: ``timeline``, ``device_lib`` (TF1 imports them from here)."""
