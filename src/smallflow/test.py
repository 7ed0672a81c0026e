"""``tf.test``: the gradient checker, and answers about the hardware smallflow runs on."""

from .gradient_checker import compute_gradient, compute_gradient_error


def is_gpu_available(cuda_only=False, min_cuda_compute_capability=None):
    """smallflow runs on the CPU only."""
    return False


def is_built_with_cuda():
    return False


def gpu_device_name():
    return ""


__all__ = ["compute_gradient", "compute_gradient_error", "gpu_device_name",
           "is_built_with_cuda", "is_gpu_available"]
