"""``tf.train.Example`` and friends: real protocol-buffer classes with TensorFlow's wire format.

The ``tensorboard`` package ships no ``example.proto``, so the message types are declared
here as a descriptor (TensorFlow's message and field names and numbers: ``tensorflow.
Example``, ``Features.feature`` = 1, ...) and made into classes by the ``protobuf``
runtime, in a private descriptor pool (no clash with an installed TensorFlow). Bytes they
serialize are what TensorFlow writes and parses. Built on first use; ``protobuf`` comes
with the ``tensorboard`` extra.
"""

import types

_MESSAGES = None

HINT = ('tf.train.Example needs the protobuf package (in the optional "tensorboard" extra: '
        'pip install "smallflow[tensorboard]")')


def _file_descriptor(descriptor_pb2):
    fdp = descriptor_pb2.FileDescriptorProto(name="smallflow/example.proto",
                                             package="tensorflow", syntax="proto3")
    field = descriptor_pb2.FieldDescriptorProto
    repeated = field.LABEL_REPEATED
    optional = field.LABEL_OPTIONAL

    def message(name, fields, nested=()):
        msg = fdp.message_type.add(name=name)
        for number, (fname, ftype, label, type_name) in enumerate(fields, start=1):
            entry = msg.field.add(name=fname, number=number, type=ftype, label=label)
            if type_name:
                entry.type_name = type_name
        for nested_name, value_type in nested:
            entry = msg.nested_type.add(name=nested_name)
            entry.options.map_entry = True
            entry.field.add(name="key", number=1, type=field.TYPE_STRING, label=optional)
            entry.field.add(name="value", number=2, type=field.TYPE_MESSAGE, label=optional,
                            type_name=value_type)
        return msg

    message("BytesList", [("value", field.TYPE_BYTES, repeated, None)])
    message("FloatList", [("value", field.TYPE_FLOAT, repeated, None)])
    message("Int64List", [("value", field.TYPE_INT64, repeated, None)])
    feature = message("Feature", [
        ("bytes_list", field.TYPE_MESSAGE, optional, ".tensorflow.BytesList"),
        ("float_list", field.TYPE_MESSAGE, optional, ".tensorflow.FloatList"),
        ("int64_list", field.TYPE_MESSAGE, optional, ".tensorflow.Int64List"),
    ])
    feature.oneof_decl.add(name="kind")
    for entry in feature.field:
        entry.oneof_index = 0
    message("Features", [("feature", field.TYPE_MESSAGE, repeated,
                          ".tensorflow.Features.FeatureEntry")],
            [("FeatureEntry", ".tensorflow.Feature")])
    message("FeatureList", [("feature", field.TYPE_MESSAGE, repeated, ".tensorflow.Feature")])
    message("FeatureLists", [("feature_list", field.TYPE_MESSAGE, repeated,
                              ".tensorflow.FeatureLists.FeatureListEntry")],
            [("FeatureListEntry", ".tensorflow.FeatureList")])
    message("Example", [("features", field.TYPE_MESSAGE, optional, ".tensorflow.Features")])
    message("SequenceExample", [
        ("context", field.TYPE_MESSAGE, optional, ".tensorflow.Features"),
        ("feature_lists", field.TYPE_MESSAGE, optional, ".tensorflow.FeatureLists"),
    ])
    return fdp


def messages():
    """A namespace of the message classes (``messages().Example`` ...)."""
    global _MESSAGES
    if _MESSAGES is None:
        try:
            from google.protobuf import descriptor_pb2, descriptor_pool, message_factory
        except ImportError:
            raise ImportError(HINT) from None
        pool = descriptor_pool.DescriptorPool()
        pool.Add(_file_descriptor(descriptor_pb2))
        names = ("BytesList", "FloatList", "Int64List", "Feature", "Features", "FeatureList",
                 "FeatureLists", "Example", "SequenceExample")
        _MESSAGES = types.SimpleNamespace(**{
            name: message_factory.GetMessageClass(pool.FindMessageTypeByName(
                f"tensorflow.{name}")) for name in names})
    return _MESSAGES


PUBLIC = ("BytesList", "Example", "Feature", "FeatureList", "FeatureLists", "Features",
          "FloatList", "Int64List", "SequenceExample")
