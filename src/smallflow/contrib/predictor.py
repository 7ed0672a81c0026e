"""``tf.contrib.predictor``: call a SavedModel (or a trained Estimator) like a function.

A predictor holds a session with the model loaded and one signature's tensors:
``predictor({'x': batch})`` feeds the signature's inputs by key and returns its outputs by
key. ``from_saved_model`` loads an export directory; ``from_estimator`` builds the serving
graph in memory from the Estimator's ``model_fn`` and newest checkpoint, with no export.
"""

from ..estimator import export as export_lib
from ..estimator.estimator import ModeKeys
from ..graph import Graph
from ..saved_model import loader, signature_constants, tag_constants
from ..session import Session
from ..train import monitored_session, training_util

__all__ = ["from_estimator", "from_saved_model"]


class Predictor:
    """Feeds ``feed_tensors`` by key and runs ``fetch_tensors`` in ``session``."""

    def __init__(self, graph, session, feed_tensors, fetch_tensors):
        self._graph = graph
        self._session = session
        self._feed_tensors = feed_tensors
        self._fetch_tensors = fetch_tensors

    graph = property(lambda self: self._graph)
    session = property(lambda self: self._session)
    feed_tensors = property(lambda self: self._feed_tensors)
    fetch_tensors = property(lambda self: self._fetch_tensors)

    def __call__(self, input_dict):
        unexpected = set(input_dict) - set(self._feed_tensors)
        if unexpected:
            raise ValueError(f"Got unexpected keys in input_dict: {unexpected}\nexpected: "
                             f"{set(self._feed_tensors)}")
        feed = {self._feed_tensors[key]: value for key, value in input_dict.items()
                if value is not None}
        return self._session.run(self._fetch_tensors, feed_dict=feed)

    def __repr__(self):
        return (f"{type(self).__name__} with feed tensors {self._feed_tensors} and fetch "
                f"tensors {self._fetch_tensors}")


def _tensors(graph, infos, names):
    if names is not None:
        return {key: graph.get_tensor_by_name(name) for key, name in names.items()}
    return {key: graph.get_tensor_by_name(info.name) for key, info in infos.items()}


def from_saved_model(export_dir, signature_def_key=None, signature_def=None,
                     input_names=None, output_names=None, tags=None, graph=None, config=None):
    """A predictor for the SavedModel in ``export_dir`` (tags ``serve`` by default) and
    one of its signatures (``serving_default`` by default), or ``signature_def`` given, or
    explicit ``input_names``/``output_names`` (``{key: tensor name}``)."""
    if signature_def_key is not None and signature_def is not None:
        raise ValueError("Cannot specify both signature_def_key and signature_def.")
    if (input_names is None) != (output_names is None):
        raise ValueError("input_names and output_names must both be specified or both be "
                         "unspecified.")
    graph = graph if graph is not None else Graph()
    tags = tags if tags is not None else [tag_constants.SERVING]
    if isinstance(tags, str):
        tags = [tags]
    session = Session(graph=graph, config=config)
    with graph.as_default():
        meta = loader.load(session, tags, export_dir)
    if input_names is None:
        if signature_def is None:
            key = signature_def_key or signature_constants.DEFAULT_SERVING_SIGNATURE_DEF_KEY
            if key not in meta.signature_def:
                session.close()
                raise ValueError(f'Got signature_def_key "{key}". Available signatures are '
                                 f"{sorted(meta.signature_def)}.")
            signature_def = meta.signature_def[key]
        feeds = _tensors(graph, signature_def.inputs, None)
        fetches = _tensors(graph, signature_def.outputs, None)
    else:
        feeds = _tensors(graph, None, input_names)
        fetches = _tensors(graph, None, output_names)
    return Predictor(graph, session, feeds, fetches)


def from_estimator(estimator, serving_input_receiver_fn, output_key=None, graph=None,
                   config=None):
    """A predictor running ``estimator``'s PREDICT graph on ``serving_input_receiver_fn``'s
    inputs, restored from its newest checkpoint; ``output_key`` picks the export output
    (``serving_default`` by default)."""
    graph = graph if graph is not None else Graph()
    with graph.as_default():
        training_util.get_or_create_global_step()
        receiver = serving_input_receiver_fn()
        spec = estimator._call_model_fn(receiver.features, None, ModeKeys.PREDICT)
        outputs = export_lib.check_export_outputs(spec.export_outputs, spec.predictions)
        key = output_key or signature_constants.DEFAULT_SERVING_SIGNATURE_DEF_KEY
        if key not in outputs:
            raise KeyError(f"output_key must be one of {sorted(outputs)}; got {key!r}")
        signature = outputs[key].as_signature_def(receiver.receiver_tensors)
        creator = monitored_session.ChiefSessionCreator(
            spec.scaffold, checkpoint_filename_with_path=estimator.latest_checkpoint(),
            config=config)
        session = monitored_session.MonitoredSession(session_creator=creator)
        feeds = _tensors(graph, signature.inputs, None)
        fetches = _tensors(graph, signature.outputs, None)
    return Predictor(graph, session, feeds, fetches)
