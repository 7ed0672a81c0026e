"""``tf.data.experimental.rejection_resample``: a dataset resampled towards a target class
distribution, by accepting elements of over-represented classes with a lower probability
and mixing in untouched elements as TensorFlow 1.x does."""

import numpy as np

from ..graph import convert_to_tensor
from ..ops import array_ops, math_ops, random_ops, reduction_ops
from .dataset_ops import Dataset

__all__ = ["rejection_resample"]


def _acceptance_and_original(initial, target):
    # Accept class i with a_i = (r_i - m) / (max r - m), r = target / initial, and take
    # an untouched element with probability m = min r (TensorFlow's "mixing" scheme).
    tiny = np.finfo(initial.dtype.as_numpy_dtype).tiny
    ratio = target / (initial + tiny)
    largest = reduction_ops.reduce_max(ratio)
    smallest = reduction_ops.reduce_min(ratio)
    return (ratio - smallest) / (largest - smallest), smallest


def _static_original(initial, target):
    initial = np.asarray(initial, dtype=np.float64)
    target = np.asarray(target, dtype=np.float64)
    return float(np.min(target / (initial + np.finfo(initial.dtype).tiny)))


def _estimated_initial(target, classes):
    # The running class frequencies seen so far (this element included), one per element.
    num_classes = target.shape[0].value if target.shape.ndims else None
    if num_classes is None:
        num_classes = array_ops.shape(target)[0]
    counts = array_ops.fill([num_classes], np.int64(0))

    def update(seen, class_value):
        seen = seen + math_ops.cast(array_ops.one_hot(class_value, num_classes), "int64")
        frequency = math_ops.cast(seen, "float64") / math_ops.cast(
            reduction_ops.reduce_sum(seen), "float64")
        return seen, math_ops.cast(frequency, "float32")

    from .experimental import scan

    return classes.apply(scan(counts, update))


def rejection_resample(class_func, target_dist, initial_dist=None, seed=None):
    """A ``Dataset.apply`` transformation giving ``(class, element)`` pairs whose classes
    follow ``target_dist``; without ``initial_dist`` the input's distribution is estimated
    from the classes seen so far."""

    def apply(dataset):
        target = convert_to_tensor(target_dist, name="target_dist")
        classes = dataset.map(class_func)
        if initial_dist is not None:
            initial = convert_to_tensor(initial_dist, name="initial_dist")
            acceptance, original = _acceptance_and_original(initial, target)
            acceptance_ds = Dataset.from_tensors(acceptance).repeat()
            original_ds = Dataset.from_tensors(original).repeat()
            static = _static_original(initial_dist, target_dist)
        else:
            initial_ds = _estimated_initial(target, classes)
            both = initial_ds.map(lambda initial: _acceptance_and_original(initial, target))
            acceptance_ds = both.map(lambda accept, _: accept)
            original_ds = both.map(lambda _, original: original)
            static = None
        untouched = Dataset.zip((classes, dataset))
        with_probability = Dataset.zip((classes, acceptance_ds, dataset)).map(
            lambda class_value, accept, data: (
                class_value, array_ops.gather(accept, class_value), data))
        filtered = with_probability.filter(
            lambda _, probability, __: random_ops.random_uniform([], seed=seed) < probability)
        filtered = filtered.map(lambda class_value, _, data: (class_value, data))
        if static == 1:
            return untouched
        if static == 0:
            return filtered
        choices = original_ds.map(lambda original: math_ops.cast(
            random_ops.random_uniform([], seed=seed) >= original, "int64"))
        from .experimental import choose_from_datasets

        return choose_from_datasets([untouched, filtered], choices)

    return apply
