"""``tf.saved_model.loader.load``: bring a SavedModel's MetaGraph into a session.

The MetaGraph whose tags equal the requested set is imported into the session's graph (with
its collections, as ``tf.train.import_meta_graph`` does), its variables are restored from
``variables/variables``, and its main op runs with each asset tensor fed the path of its
file under ``assets/``. The MetaGraphDef is returned, so that serving code can look its
signatures up (``meta.signature_def["serving_default"].inputs["x"].name``).
"""

import os

from .. import logging, meta_graph
from ..graph import GraphKeys
from . import _proto, constants


def _read(path):
    with open(path, "rb") as stream:
        return stream.read()


def parse_saved_model(export_dir):
    """The ``SavedModel`` proto of ``export_dir`` (``saved_model.pb`` or ``.pbtxt``)."""
    from google.protobuf import message, text_format

    export_dir = os.fspath(export_dir)
    if isinstance(export_dir, bytes):
        export_dir = os.fsdecode(export_dir)
    saved_model = _proto.saved_model_class()()
    path_pb = os.path.join(export_dir, constants.SAVED_MODEL_FILENAME_PB)
    path_pbtxt = os.path.join(export_dir, constants.SAVED_MODEL_FILENAME_PBTXT)
    if os.path.isfile(path_pb):
        try:
            saved_model.ParseFromString(_read(path_pb))
        except message.DecodeError as err:
            raise OSError(f"Cannot parse file {path_pb}: {err}.") from None
    elif os.path.isfile(path_pbtxt):
        try:
            text_format.Parse(_read(path_pbtxt).decode("utf-8"), saved_model)
        except (UnicodeDecodeError, text_format.ParseError) as err:
            raise OSError(f"Cannot parse file {path_pbtxt}: {err}.") from None
    else:
        raise OSError(f"SavedModel file does not exist at: {export_dir}{os.path.sep}"
                      f"{{{constants.SAVED_MODEL_FILENAME_PBTXT}|"
                      f"{constants.SAVED_MODEL_FILENAME_PB}}}")
    return saved_model


def maybe_saved_model_directory(export_dir):
    """True when ``export_dir`` holds a ``saved_model.pb`` or ``saved_model.pbtxt``."""
    export_dir = os.fsdecode(os.fspath(export_dir))
    return any(os.path.isfile(os.path.join(export_dir, name))
               for name in (constants.SAVED_MODEL_FILENAME_PB,
                            constants.SAVED_MODEL_FILENAME_PBTXT))


contains_saved_model = maybe_saved_model_directory


def _meta_graph_with_tags(saved_model, tags):
    available = [set(meta.meta_info_def.tags) for meta in saved_model.meta_graphs]
    for meta in saved_model.meta_graphs:
        if set(meta.meta_info_def.tags) == set(tags):
            return meta
    raise RuntimeError(
        f"MetaGraphDef associated with tags {str(tags).strip('[]')} could not be found in "
        f"SavedModel, with available tags '{available}'. To inspect available tag-sets in "
        "the SavedModel, please use the SavedModel CLI: `saved_model_cli`.")


def _asset_feeds(export_dir, meta, import_scope):
    """``{asset tensor name: its file under assets/}``, as the main op is fed."""
    pb = _proto.meta_graph_pb2()
    assets = list(meta.asset_file_def)
    if not assets and constants.ASSETS_KEY in meta.collection_def:
        for packed in meta.collection_def[constants.ASSETS_KEY].any_list.value:
            assets.append(pb.AssetFileDef.FromString(packed.value))
    directory = os.path.join(export_dir, constants.ASSETS_DIRECTORY)
    feeds = {}
    for asset in assets:
        name = asset.tensor_info.name
        if import_scope:
            name = f"{import_scope}/{name}"
        feeds[name] = os.path.join(directory, asset.filename)
    return feeds


def _init_op(graph, meta, import_scope):
    """The MetaGraph's main op: from its reserved signature (TF 2 writers) or collections."""
    signature = meta.signature_def.get(constants.INIT_OP_SIGNATURE_KEY)
    if signature is not None and signature.outputs:
        name = next(iter(signature.outputs.values())).name
        return graph.as_graph_element(f"{import_scope}/{name}" if import_scope else name)
    for key in (constants.MAIN_OP_KEY, constants.LEGACY_INIT_OP_KEY):
        if key in meta.collection_def:
            names = meta.collection_def[key].node_list.value
            if len(names) != 1:
                raise RuntimeError(f"Expected exactly one SavedModel init op. Found "
                                   f"{len(names)}: {list(names)}.")
            return graph.get_collection(key)[0]
    return None


def load(sess, tags, export_dir, import_scope=None, **saver_kwargs):
    """Load the MetaGraph tagged ``tags`` into ``sess``; return its MetaGraphDef."""
    export_dir = os.fsdecode(os.fspath(export_dir))
    saved_model = parse_saved_model(export_dir)
    meta = _meta_graph_with_tags(saved_model, tags)
    graph = sess.graph
    with graph.as_default():
        saver = meta_graph.import_meta_graph(meta, import_scope=import_scope, **saver_kwargs)
        if saver is not None:
            variables_path = os.path.join(export_dir, constants.VARIABLES_DIRECTORY,
                                          constants.VARIABLES_FILENAME)
            saver.restore(sess, variables_path)
        elif graph.get_collection(GraphKeys.GLOBAL_VARIABLES, import_scope):
            raise ValueError("The SavedModel's MetaGraph has variables but no Saver could be "
                             "made for them; its variables cannot be restored.")
        else:
            logging.info("The specified SavedModel has no variables; no checkpoints were "
                         "restored.")
        init_op = _init_op(graph, meta, import_scope)
        if init_op is not None:
            sess.run([init_op], feed_dict=_asset_feeds(export_dir, meta, import_scope))
    return meta

