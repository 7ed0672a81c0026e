"""``tf.io``: file access (``tf.io.gfile``), reading, decoding, parsing and writing files and
records, queues, and writing GraphDefs: the TF 2 spellings of these TF1 names."""

from . import io_gfile as gfile
from .graph_io import write_graph
from .ops.data_flow_ops import (
    PaddingFIFOQueue,
    PriorityQueue,
    QueueBase,
    RandomShuffleQueue,
)
from .ops.image_codec_ops import (
    decode_and_crop_jpeg,
    decode_bmp,
    decode_gif,
    decode_image,
    decode_jpeg,
    decode_png,
    encode_jpeg,
    encode_png,
    extract_jpeg_shape,
    is_jpeg,
)
from .ops.io_extra_ops import (
    decode_compressed,
    decode_json_example,
    parse_tensor,
    serialize_tensor,
    write_file,
)
from .ops.io_ops import decode_csv, decode_raw, matching_files, read_file
from .ops.parsing_features import SparseFeature, parse_example, parse_single_example
from .ops.parsing_ops import FixedLenFeature, VarLenFeature
from .ops.sequence_parsing_ops import (
    FixedLenSequenceFeature,
    parse_sequence_example,
    parse_single_sequence_example,
)
from .ops.sparse_serialization_ops import (
    deserialize_many_sparse,
    serialize_many_sparse,
    serialize_sparse,
)
from .ops.string_extra_ops import decode_base64, encode_base64
from .python_io import TFRecordCompressionType, TFRecordOptions, TFRecordWriter, tf_record_iterator
from .train.input import match_filenames_once

__all__ = ["FixedLenFeature", "FixedLenSequenceFeature", "parse_sequence_example",
           "parse_single_sequence_example", "PaddingFIFOQueue", "PriorityQueue", "QueueBase",
           "RandomShuffleQueue",
           "SparseFeature", "TFRecordCompressionType", "TFRecordOptions", "TFRecordWriter",
           "VarLenFeature",
           "decode_base64", "decode_compressed", "deserialize_many_sparse",
           "serialize_many_sparse", "serialize_sparse", "decode_csv", "decode_json_example",
           "decode_raw", "encode_base64", "gfile", "match_filenames_once", "matching_files",
           "parse_example", "parse_single_example", "parse_tensor", "read_file",
           "serialize_tensor", "tf_record_iterator", "write_file", "write_graph",
           # the image codecs, also under tf.image (TF 1.x has both spellings)
           "decode_and_crop_jpeg", "decode_bmp", "decode_gif", "decode_image", "decode_jpeg",
           "decode_png", "encode_jpeg", "encode_png", "extract_jpeg_shape", "is_jpeg"]
