"""``tf.train.warm_start`` and ``tf.train.VocabInfo``: start a new model's variables from an
older checkpoint (TensorFlow 1.15's warm-starting, what ``Estimator(warm_start_from=...)``
runs when it builds its training graph).

Each chosen variable gets ``init_from_checkpoint``'s treatment: its initializer reads the
checkpoint tensor of the same name (or of the name ``var_name_to_prev_var_name`` gives), so
nothing happens unless the initializers run, and a model directory that already has a
checkpoint of its own restores that instead. ``vars_to_warm_start`` is a regular expression
over the trainable variables (default: all of them), or a list of regular expressions over
all global variables, or a list of variables. Remapping rows by vocabulary
(``var_name_to_vocab_info``) is not provided: it raises NotImplementedError naming the
variable.
"""

import collections
import re

from .. import logging
from ..graph import GraphKeys, get_default_graph
from ..variables import Variable
from .checkpoint_init import init_from_checkpoint

__all__ = ["VocabInfo", "warm_start"]


class VocabInfo(collections.namedtuple("VocabInfo", [
        "new_vocab", "new_vocab_size", "num_oov_buckets", "old_vocab", "old_vocab_size",
        "backup_initializer", "axis"])):
    """How a vocabulary-indexed variable's rows map between an old and a new vocabulary."""

    def __new__(cls, new_vocab, new_vocab_size, num_oov_buckets, old_vocab,
                old_vocab_size=-1, backup_initializer=None, axis=0):
        if axis not in (0, 1):
            raise ValueError(f"The only supported values for the axis argument are 0 and 1. "
                             f"Provided axis: {axis}")
        return super().__new__(cls, new_vocab, new_vocab_size, num_oov_buckets, old_vocab,
                               old_vocab_size, backup_initializer, axis)


def _base_name(variable):
    name = variable.name
    return name[:-2] if name.endswith(":0") else name


def _chosen_variables(vars_to_warm_start):
    graph = get_default_graph()
    if vars_to_warm_start is None or isinstance(vars_to_warm_start, str):
        logging.info("Warm-starting variables only in TRAINABLE_VARIABLES.")
        return graph.get_collection(GraphKeys.TRAINABLE_VARIABLES, scope=vars_to_warm_start)
    if not isinstance(vars_to_warm_start, list | tuple):
        raise ValueError(f"vars_to_warm_start must be a string, a list of strings or a list "
                         f"of Variables, got {vars_to_warm_start!r}")
    if all(isinstance(v, str) for v in vars_to_warm_start):
        chosen = []
        for pattern in vars_to_warm_start:
            for variable in graph.get_collection(GraphKeys.GLOBAL_VARIABLES):
                if re.match(pattern, variable.name) and variable not in chosen:
                    chosen.append(variable)
        return chosen
    if all(isinstance(v, Variable) for v in vars_to_warm_start):
        return list(vars_to_warm_start)
    raise ValueError("If `vars_to_warm_start` is a list, it must be all `Variable` or all "
                     f"`str`.  Given types are {[type(v).__name__ for v in vars_to_warm_start]}")


def warm_start(ckpt_to_initialize_from, vars_to_warm_start=".*",
               var_name_to_vocab_info=None, var_name_to_prev_var_name=None):
    """Initialize the chosen variables from ``ckpt_to_initialize_from`` (a checkpoint file
    or directory); see the module's docstring."""
    logging.info("Warm-starting from: %s", ckpt_to_initialize_from)
    vocab_info = dict(var_name_to_vocab_info or {})
    prev_names = dict(var_name_to_prev_var_name or {})
    chosen = _chosen_variables(vars_to_warm_start)
    used_vocab, used_prev = set(), set()
    for variable in chosen:
        name = _base_name(variable)
        if name in vocab_info:
            used_vocab.add(name)
            raise NotImplementedError(
                f"warm-starting {name} with a VocabInfo (rows remapped between vocabularies) "
                "is not provided; warm-start it without var_name_to_vocab_info")
        previous = prev_names.get(name, name)
        if name in prev_names:
            used_prev.add(name)
        logging.debug("Warm-starting variable: %s; prev_var_name: %s", name,
                      prev_names.get(name, "Unchanged"))
        init_from_checkpoint(ckpt_to_initialize_from, {previous: variable})
    viable = sorted(_base_name(v) for v in chosen)
    unused_prev = sorted(set(prev_names) - used_prev)
    if unused_prev:
        raise ValueError(f"You provided the following variables in var_name_to_prev_var_name "
                         f"that were not used: {unused_prev}.  Perhaps you misspelled them?  "
                         f"Here is the list of viable variable names: {viable}")
    unused_vocab = sorted(set(vocab_info) - used_vocab)
    if unused_vocab:
        raise ValueError(f"You provided the following variables in var_name_to_vocab_info "
                         f"that were not used: {unused_vocab}.  Perhaps you misspelled them?  "
                         f"Here is the list of viable variable names: {viable}")
    logging.info("Warm-started %d variables.", len(chosen))
