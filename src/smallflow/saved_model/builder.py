"""``tf.saved_model.builder.SavedModelBuilder`` and ``simple_save``: write a SavedModel.

A SavedModel is a directory: ``saved_model.pb`` (a ``SavedModel`` proto listing MetaGraphDefs,
each with its tags and signatures), ``variables/variables.index`` + ``.data-*`` (one V2
checkpoint shared by every MetaGraph, written by our Saver) and ``assets/`` (copies of the
files the graph's asset tensors name). The first MetaGraph is added with its variables, later
ones share them, as in TensorFlow 1.x.
"""

import filecmp
import os
import shutil

import numpy as np

from .. import graph_io, logging
from ..graph import GraphKeys, Operation, Tensor, get_default_graph
from . import _proto, constants, signature_constants, signature_def_utils, tag_constants

_ASSET_TYPE_URL = "type.googleapis.com/tensorflow.AssetFileDef"


def _asset_path(tensor):
    """The file a scalar string constant names (TensorFlow's rule for asset tensors)."""
    if not isinstance(tensor, Tensor):
        raise TypeError(f"Asset path tensor {tensor} must be a Tensor.")
    if tensor.op.type != "Const":
        raise TypeError(f"Asset path tensor {tensor} must be of type constant.")
    if tensor.dtype.base_dtype.name != "string":
        raise TypeError(f"Asset path tensor {tensor} must be of dtype string.")
    value = np.asarray(tensor.op.attrs["value"])
    if value.shape != ():
        raise TypeError(f"Asset path tensor {tensor} must be a scalar.")
    path = value.item()
    return path.decode("utf-8") if isinstance(path, bytes) else str(path)


def _unique_filename(filename, taken):
    stem, ext = os.path.splitext(filename)
    index = 1
    while f"{stem}_{index}{ext}" in taken:
        index += 1
    return f"{stem}_{index}{ext}"


class SavedModelBuilder:
    """Builds a SavedModel in ``export_dir`` (which must be absent or empty).

    ``add_meta_graph_and_variables(sess, tags, ...)`` first (it saves the variables), then
    any number of ``add_meta_graph(tags, ...)``, then ``save()`` writes ``saved_model.pb``.
    """

    def __init__(self, export_dir):
        # TensorFlow joins its paths as bytes, so programs pass str or bytes
        # (``compat.as_bytes(export_path_base)`` in TensorFlow Serving's example).
        self._export_dir = os.fsdecode(os.fspath(export_dir))
        if os.path.exists(self._export_dir):
            if not os.path.isdir(self._export_dir) or os.listdir(self._export_dir):
                raise AssertionError(
                    f"Export directory {self._export_dir} already exists, and isn't empty. "
                    "Please choose a different export directory, or delete all the contents "
                    "of the specified directory.")
        else:
            os.makedirs(self._export_dir)
        self._saved_model = _proto.saved_model_class()(
            saved_model_schema_version=constants.SAVED_MODEL_SCHEMA_VERSION)
        self._has_saved_variables = False
        self._assets = {}  # file name in assets/ -> (source path, asset tensor name)

    # -- checks --------------------------------------------------------------------------------
    @staticmethod
    def _validate_tensor_info(tensor_info):
        if tensor_info is None:
            raise AssertionError("All TensorInfo protos used in the SignatureDefs must have "
                                 "the name and dtype fields set.")
        if tensor_info.WhichOneof("encoding") is None:
            raise AssertionError(
                f"Invalid `tensor_info`: {tensor_info}. All TensorInfo protos used in the "
                "SignatureDefs must have one of the 'encoding' fields (e.g., name or "
                "coo_sparse) set.")
        if tensor_info.dtype == _proto.types_pb2().DT_INVALID:
            raise AssertionError(
                f"Invalid `tensor_info`: {tensor_info}. All TensorInfo protos used in the "
                "SignatureDefs must have the dtype field set.")

    def _validate_signature_def_map(self, signature_def_map):
        for signature in signature_def_map.values():
            for info in [*signature.inputs.values(), *signature.outputs.values()]:
                self._validate_tensor_info(info)
        for reserved, what in ((constants.INIT_OP_SIGNATURE_KEY, "initialization"),
                               (constants.TRAIN_OP_SIGNATURE_KEY, "the train op")):
            if reserved in signature_def_map:
                raise KeyError(f'SignatureDef map key "{reserved}" is reserved for {what}. '
                               "Please use a different key.")

    # -- assets and init ops -------------------------------------------------------------------
    def _add_assets(self, assets_collection):
        """Copy the files the asset tensors name into ``assets/`` (once each)."""
        if not assets_collection:
            return
        directory = os.path.join(self._export_dir, constants.ASSETS_DIRECTORY)
        for tensor in assets_collection:
            source = _asset_path(tensor)
            if not source:
                raise ValueError(f"Asset filepath tensor {tensor} in is invalid.")
            filename = os.path.basename(source)
            known = self._assets.get(filename)
            if known is not None and known[0] != source and not filecmp.cmp(known[0], source):
                filename = _unique_filename(filename, self._assets)
            if filename not in self._assets:
                os.makedirs(directory, exist_ok=True)
                shutil.copyfile(source, os.path.join(directory, filename))
            self._assets[filename] = (source, tensor.name)

    @staticmethod
    def _add_main_op(main_op):
        if main_op is None:
            return
        if not isinstance(main_op, Operation):
            raise TypeError(f"main_op needs to be an Operation: {main_op!r}")
        graph = get_default_graph()
        for key in (constants.MAIN_OP_KEY, constants.LEGACY_INIT_OP_KEY):
            if graph.get_collection(key):
                raise ValueError(
                    f"Graph already contains one or more main ops under the collection {key}.")
        graph.add_to_collection(constants.MAIN_OP_KEY, main_op)

    def _write_assets(self, meta_graph_def):
        """List the assets as TensorFlow 1.x does: AssetFileDefs packed in a collection."""
        if not self._assets:
            return
        pb = _proto.meta_graph_pb2()
        listed = meta_graph_def.collection_def[constants.ASSETS_KEY].any_list.value
        for filename, (_, tensor_name) in self._assets.items():
            asset = pb.AssetFileDef(filename=filename)
            asset.tensor_info.name = tensor_name
            # TensorBoard's copy of the message is named tensorboard.AssetFileDef; the type
            # URL must name TensorFlow's for TensorFlow to unpack it.
            listed.add(type_url=_ASSET_TYPE_URL, value=asset.SerializeToString())

    # -- MetaGraphs ----------------------------------------------------------------------------
    def _add(self, tags, signature_def_map, assets_collection, main_op, clear_devices, saver,
             sess=None):
        from ..train.saver import Saver

        signature_def_map = signature_def_map or {}
        self._validate_signature_def_map(signature_def_map)
        self._add_assets(assets_collection)
        self._add_main_op(main_op)
        if saver is None:
            saver = Saver(sharded=True, allow_empty=True)
        if sess is not None:
            variables_dir = os.path.join(self._export_dir, constants.VARIABLES_DIRECTORY)
            os.makedirs(variables_dir, exist_ok=True)
            # No checkpoint-state file: a SavedModel may be moved, and the loader never
            # reads one.
            saver.save(sess, os.path.join(variables_dir, constants.VARIABLES_FILENAME),
                       write_meta_graph=False, write_state=False)
        meta = saver.export_meta_graph(clear_devices=clear_devices)
        self._write_assets(meta)
        meta.meta_info_def.tags.extend(tags)
        for key, signature in signature_def_map.items():
            meta.signature_def[key].CopyFrom(signature)
        self._saved_model.meta_graphs.add().CopyFrom(meta)

    def add_meta_graph_and_variables(self, sess, tags, signature_def_map=None,
                                     assets_collection=None, legacy_init_op=None,
                                     clear_devices=False, main_op=None,
                                     strip_default_attrs=False, saver=None):
        """Save ``sess``'s variables and add the first MetaGraph, tagged with ``tags``.

        ``main_op`` (or the older ``legacy_init_op``) is run by the loader after the
        variables are restored, with each asset tensor fed its file's path in ``assets/``.
        """
        if self._has_saved_variables:
            raise AssertionError("Graph state including variables and assets has already "
                                 "been saved. Please invoke `add_meta_graph()` instead.")
        main_op = main_op if main_op is not None else legacy_init_op
        self._add(tags, signature_def_map, assets_collection, main_op, clear_devices, saver,
                  sess=sess)
        self._has_saved_variables = True

    def add_meta_graph(self, tags, signature_def_map=None, assets_collection=None,
                       legacy_init_op=None, clear_devices=False, main_op=None,
                       strip_default_attrs=False, saver=None):
        """Add another MetaGraph (the current default graph) sharing the saved variables."""
        if not self._has_saved_variables:
            raise AssertionError(
                "Graph state including variables and assets has not been saved yet. Please "
                "invoke `add_meta_graph_and_variables()` first.")
        main_op = main_op if main_op is not None else legacy_init_op
        self._add(tags, signature_def_map, assets_collection, main_op, clear_devices, saver)

    def save(self, as_text=False):
        """Write ``saved_model.pb`` (``.pbtxt`` with ``as_text``); return its path (bytes)."""
        os.makedirs(self._export_dir, exist_ok=True)
        if as_text:
            from google.protobuf import text_format

            path = os.path.join(self._export_dir, constants.SAVED_MODEL_FILENAME_PBTXT)
            data = text_format.MessageToString(self._saved_model).encode("utf-8")
        else:
            path = os.path.join(self._export_dir, constants.SAVED_MODEL_FILENAME_PB)
            data = self._saved_model.SerializeToString(deterministic=True)
        graph_io.write_atomically(path, data)
        logging.info("SavedModel written to: %s", path)
        return os.fsencode(path)


Builder = SavedModelBuilder


def simple_save(session, export_dir, inputs, outputs, legacy_init_op=None):
    """Export a model for serving: one MetaGraph tagged ``serve`` with a predict signature.

    ``inputs`` and ``outputs`` are dicts of named tensors; the signature is
    ``serving_default``; the graph's ``ASSET_FILEPATHS`` collection gives the assets.
    """
    signature_def_map = {
        signature_constants.DEFAULT_SERVING_SIGNATURE_DEF_KEY:
            signature_def_utils.predict_signature_def(inputs, outputs),
    }
    builder = SavedModelBuilder(export_dir)
    builder.add_meta_graph_and_variables(
        session, tags=[tag_constants.SERVING], signature_def_map=signature_def_map,
        assets_collection=session.graph.get_collection(GraphKeys.ASSET_FILEPATHS),
        main_op=legacy_init_op, clear_devices=True)
    builder.save()
