"""``smallflow.python.client``: ``timeline`` (TF1 imports it from tensorflow.python.client)."""
