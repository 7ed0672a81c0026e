"""The optimizer base class: ``compute_gradients``, ``apply_gradients``, ``minimize``, slots."""

from .. import dtypes, variables
from ..gradients import gradients
from ..graph import (
    GraphKeys,
    Operation,
    control_dependencies,
    convert_to_tensor,
    get_default_graph,
    name_scope,
)
from ..ops import array_extra_ops, array_ops, control_flow_ops, math_ops, state_ops
from ..ops.indexed_slices import IndexedSlices, convert_to_tensor_or_indexed_slices

_VALID_DTYPES = (dtypes.float16, dtypes.float32, dtypes.float64)


def _eager_gradients(loss, var_list, grad_loss):
    """compute_gradients while executing eagerly: ``loss`` is a function, run on a tape;
    the variables default to those it read (TF 1.x's rule)."""
    if not callable(loss):
        raise RuntimeError("`loss` passed to Optimizer.compute_gradients should be a "
                           "function when eager execution is enabled.")
    from ..eager.tape import GradientTape  # eager mode's module, loaded on use

    with GradientTape() as tape:
        if var_list is not None:
            tape.watch(list(var_list))
        loss_value = loss()
    var_list = list(tape.watched_variables()) if var_list is None else list(var_list)
    if not var_list:
        raise ValueError("No variables to optimize.")
    _assert_valid_dtypes([convert_to_tensor(loss_value)])
    grads = tape.gradient(loss_value, var_list, output_gradients=grad_loss)
    return list(zip(grads, var_list))


class Optimizer:
    """Base class: subclasses say how one variable is updated (``_apply_dense``).

    Subclasses may also create per-variable state (``_create_slots``), turn their
    hyper-parameters into tensors (``_prepare``) and add ops after all updates (``_finish``).
    """

    GATE_NONE = 0
    GATE_OP = 1
    GATE_GRAPH = 2

    def __init__(self, use_locking, name):
        if not name:
            raise ValueError("Must specify the optimizer name")
        self._use_locking = use_locking
        self._name = name
        # slot name -> {variable: slot variable}
        self._slots = {}
        # (name, graph) -> variable, for state shared by all variables (Adam's beta powers)
        self._non_slot_dict = {}

    def get_name(self):
        return self._name

    def minimize(
        self,
        loss,
        global_step=None,
        var_list=None,
        gate_gradients=GATE_OP,
        aggregation_method=None,
        colocate_gradients_with_ops=False,
        name=None,
        grad_loss=None,
    ):
        """Add ops that compute the gradients of ``loss`` and apply them; return the op."""
        grads_and_vars = self.compute_gradients(
            loss, var_list=var_list, gate_gradients=gate_gradients, grad_loss=grad_loss
        )
        usable = [v for g, v in grads_and_vars if g is not None]
        if not usable:
            raise ValueError(
                "No gradients provided for any variable, check your graph for ops that do not "
                "support gradients, between variables "
                f"{[str(v) for _, v in grads_and_vars]} and loss {loss}."
            )
        return self.apply_gradients(grads_and_vars, global_step=global_step, name=name)

    def compute_gradients(
        self,
        loss,
        var_list=None,
        gate_gradients=GATE_OP,
        aggregation_method=None,
        colocate_gradients_with_ops=False,
        grad_loss=None,
    ):
        """``[(gradient or None, variable), ...]`` for ``var_list`` (trainable by default)."""
        if get_default_graph()._eager:
            return _eager_gradients(loss, var_list, grad_loss)
        if callable(loss):
            loss = loss()
        loss = convert_to_tensor(loss)
        _assert_valid_dtypes([loss])
        var_list = variables.trainable_variables() if var_list is None else list(var_list)
        if not var_list:
            raise ValueError("No variables to optimize.")
        for var in var_list:
            if not isinstance(var, variables.Variable):
                raise TypeError(f"Argument is not a tf.Variable: {var}")
        grads = gradients(loss, [v._gradient_source() for v in var_list], grad_ys=grad_loss)
        grads_and_vars = list(zip(grads, var_list))
        _assert_valid_dtypes([v for g, v in grads_and_vars if g is not None])
        return grads_and_vars

    def apply_gradients(self, grads_and_vars, global_step=None, name=None):
        """One op that applies every (gradient, variable) pair, then bumps ``global_step``."""
        grads_and_vars = list(grads_and_vars)
        if not grads_and_vars:
            raise ValueError("No variables provided.")
        pairs = []
        for grad, var in grads_and_vars:
            if grad is not None:
                try:
                    grad = convert_to_tensor_or_indexed_slices(grad)
                except TypeError:
                    raise TypeError(f"Gradient must be convertible to a Tensor or "
                                    f"IndexedSlices, or None: {grad}") from None
            pairs.append((grad, var))
        with_grads = [(g, v) for g, v in pairs if g is not None]
        if not with_grads:
            raise ValueError(
                f"No gradients provided for any variable: {[str(v) for _, v in pairs]}."
            )
        # Non-slot variables (Adam's beta1_power) go in the scope minimize was called in,
        # as TensorFlow's init_scope keeps it: checkpoints name them "optimizer/beta1_power".
        self._outer_scope = get_default_graph().get_name_scope()
        with name_scope(name or self._name) as scope:
            with control_dependencies(None), name_scope(None):
                self._create_slots([v for _, v in with_grads])
            self._prepare()
            updates = []
            for grad, var in with_grads:
                with name_scope("update_" + var.op.name):
                    if isinstance(grad, IndexedSlices):
                        updates.append(self._apply_sparse_duplicate_indices(grad, var))
                    else:
                        updates.append(self._apply_dense(grad, var))
            if global_step is None:
                train_op = self._finish(updates, scope)
            else:
                if not isinstance(global_step, variables.Variable):
                    # TensorFlow's assign_add falls back to the object's own method there.
                    raise AttributeError(f"'{type(global_step).__name__}' object has no "
                                         f"attribute 'assign_add' (global_step must be a "
                                         f"variable, got {global_step})")
                with control_dependencies([self._finish(updates, "update")]):
                    train_op = state_ops.assign_op(
                        global_step.op,
                        convert_to_tensor(1, dtype=global_step.dtype),
                        "AssignAdd",
                        False,
                        scope,
                    ).op
        if isinstance(train_op, Operation) and not train_op.graph._eager:
            train_ops = train_op.graph.get_collection_ref(GraphKeys.TRAIN_OP)
            if train_op not in train_ops:
                train_ops.append(train_op)
        return train_op

    # -- for subclasses ------------------------------------------------------------------------
    def _create_slots(self, var_list):
        """Create the optimizer's per-variable state (none for plain gradient descent)."""

    def _prepare(self):
        """Convert hyper-parameters to tensors inside the optimizer's name scope."""

    def _apply_dense(self, grad, var):
        raise NotImplementedError(f"{type(self).__name__} must define _apply_dense")

    def _apply_sparse_duplicate_indices(self, grad, var):
        """Apply IndexedSlices ``grad``: rows named more than once are summed first, so
        ``_apply_sparse`` sees each row once (an optimizer whose update adds up repeated
        rows by itself, like gradient descent's scatter_sub, may override this)."""
        summed_values, unique_indices = _deduplicate_indexed_slices(grad.values, grad.indices)
        unique = IndexedSlices(summed_values, unique_indices, grad.dense_shape)
        return self._apply_sparse(unique, var)

    def _apply_sparse(self, grad, var):
        """Update only the rows ``grad.indices`` (IndexedSlices without repeated rows)."""
        raise NotImplementedError(
            f"{type(self).__name__} has no _apply_sparse: it cannot apply the IndexedSlices "
            f"gradient of {var.op.name} (a variable read through gather/embedding_lookup)")

    def _finish(self, update_ops, name_scope):
        return control_flow_ops.group(*update_ops, name=name_scope)

    @staticmethod
    def _call_if_callable(param):
        """A hyper-parameter given as a function (``lambda: 0.1``) is called once per apply."""
        return param() if callable(param) else param

    # -- slots ------------------------------------------------------------------------------------
    def _get_or_make_slot(self, var, fill_value, slot_name, op_name):
        """The variable ``<var>/<op_name>`` kept for ``var``, filled with ``fill_value`` first.

        Like TensorFlow, a name already taken gets a suffix: RMSProp's three slots, all
        made with op name ``RMSProp``, are ``<var>/RMSProp``, ``<var>/RMSProp_1``, ...
        """
        slots = self._slots.setdefault(slot_name, {})
        if var not in slots:
            graph = var.graph
            # Slots live where their variable does (TensorFlow colocates them).
            with graph.as_default(), graph.colocate_with(var):
                full_name = graph.unique_name(f"{var.op.name}/{op_name}", mark_as_used=False)
                with name_scope(full_name + "/Initializer/"):
                    initial = _filled(var, fill_value)
                # A variable of unknown shape (cuDNN's opaque parameters) gets a slot of
                # unknown shape too, as TensorFlow's slot_creator makes it.
                slots[var] = variables.Variable(
                    initial, trainable=False, name=full_name,
                    validate_shape=initial.shape.is_fully_defined())
        return slots[var]

    def _zeros_slot(self, var, slot_name, op_name):
        """A zero-initialised slot ``<var>/<op_name>`` kept for ``var`` under ``slot_name``."""
        return self._get_or_make_slot(var, 0, slot_name, op_name)

    def get_slot(self, var, name):
        """The slot variable ``name`` (e.g. Adam's "m") kept for ``var``, or None."""
        return self._slots.get(name, {}).get(var)

    def get_slot_names(self):
        return sorted(self._slots)

    def _create_non_slot_variable(self, initial_value, name, colocate_with):
        """A non-trainable variable shared by all of this optimizer's updates in one graph."""
        graph = colocate_with.graph
        key = (name, _graph_key(graph))
        var = self._non_slot_dict.get(key)
        if var is None:
            outer = getattr(self, "_outer_scope", "")
            with graph.as_default(), graph.colocate_with(colocate_with), name_scope(
                    outer + "/" if outer else None):
                var = variables.Variable(initial_value, trainable=False, name=name)
            self._non_slot_dict[key] = var
        return var

    def _get_non_slot_variable(self, name, graph=None):
        return self._non_slot_dict.get((name, _graph_key(graph or get_default_graph())))

    def _non_slot_variables(self):
        return list(self._non_slot_dict.values())

    def variables(self):
        """The variables this optimizer created in the default graph, sorted by name."""
        graph = _graph_key(get_default_graph())
        found = [v for v in self._non_slot_variables() if v.graph is graph]
        found += [v for slot in self._slots.values() for v in slot.values() if v.graph is graph]
        return sorted(found, key=lambda v: v.name)


def _deduplicate_indexed_slices(values, indices):
    """``(summed_values, unique_indices)``: the rows of ``values`` with equal indices added."""
    unique_indices, positions = array_extra_ops.unique(indices)
    count = array_ops.shape(unique_indices)[0]
    summed_values = math_ops.unsorted_segment_sum(values, positions, count)
    return summed_values, unique_indices


def _filled(var, fill_value):
    dtype = var.dtype
    if var.shape.is_fully_defined():
        if fill_value == 0:
            return array_ops.zeros(var.shape, dtype=dtype)
        return array_ops.constant(fill_value, dtype=dtype, shape=var.shape.as_list())
    like = array_ops.zeros_like(var.initial_value, dtype=dtype)
    return like + fill_value if fill_value else like


def _assert_valid_dtypes(tensors):
    for tensor in tensors:
        if tensor.dtype.base_dtype not in _VALID_DTYPES:
            raise ValueError(
                f"Invalid type {tensor.dtype!r} for {tensor.name}, expected: "
                f"[{', '.join(repr(d) for d in _VALID_DTYPES)}]."
            )


def _graph_key(graph):
    """The graph an optimizer keeps its non-slot variables for: a tf.function trace's are
    those of the graph (or eager context) it is called from, as TensorFlow's graph keys."""
    while graph._outer_graph is not None:
        graph = graph._outer_graph
    return graph


class WrapperSlots:
    """For an optimizer wrapping another (``_wrapped_attr`` names the attribute holding it):
    its slots and variables are the wrapped optimizer's. Listed before ``Optimizer`` in the
    bases (SyncReplicasOptimizer, CrossShardOptimizer, LossScaleOptimizer, ...)."""

    _wrapped_attr = "_opt"

    def get_slot(self, *args, **kwargs):
        return getattr(self, self._wrapped_attr).get_slot(*args, **kwargs)

    def get_slot_names(self, *args, **kwargs):
        return getattr(self, self._wrapped_attr).get_slot_names(*args, **kwargs)

    def variables(self):
        return getattr(self, self._wrapped_attr).variables()
