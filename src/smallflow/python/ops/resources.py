"""``tensorflow.python.ops.resources``: resources (lookup tables, trees, ...) registered with
their creation op and is-initialized check, and ops initializing or reporting them."""

import collections
import os

from ...graph import GraphKeys, add_to_collection, device, get_collection, name_scope

_Resource = collections.namedtuple("_Resource", ["handle", "create", "is_initialized"])


def register_resource(handle, create_op, is_initialized_op, is_shared=True):
    """Record a resource in the RESOURCES collection (LOCAL_RESOURCES if not shared)."""
    resource = _Resource(handle, create_op, is_initialized_op)
    key = GraphKeys.RESOURCES if is_shared else GraphKeys.LOCAL_RESOURCES
    add_to_collection(key, resource)


def shared_resources():
    """The resources registered as shared (collection ``resources``)."""
    return get_collection(GraphKeys.RESOURCES)


def local_resources():
    """The resources registered as local (collection ``local_resources``)."""
    return get_collection(GraphKeys.LOCAL_RESOURCES)


def report_uninitialized_resources(resource_list=None,
                                   name="report_uninitialized_resources"):
    """A string tensor of the names of the resources not yet initialized."""
    from ... import boolean_mask, constant, logical_not, stack, string

    if resource_list is None:
        resource_list = shared_resources() + local_resources()
    with name_scope(name):
        where = os.environ.get("TF_DEVICE_FOR_UNINITIALIZED_VARIABLE_REPORTING", "/cpu:0")
        with device(where):
            if not resource_list:
                return constant([], dtype=string)
            uninitialized = logical_not(stack([r.is_initialized for r in resource_list]))
            names = constant([r.handle.name for r in resource_list])
            return boolean_mask(names, uninitialized)


def initialize_resources(resource_list, name="init"):
    """One op running every resource's creation op (a no-op for an empty list)."""
    from ... import group, no_op

    if resource_list:
        return group(*[r.create for r in resource_list], name=name)
    return no_op(name=name)


__all__ = ["initialize_resources", "local_resources", "register_resource",
           "report_uninitialized_resources", "shared_resources"]
