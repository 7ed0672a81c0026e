"""tf.config's device functions answer as TensorFlow does on a CPU-only machine."""

import pytest

import smallflow as tf
from smallflow import config_devices

CPU = tf.config.PhysicalDevice(name="/physical_device:CPU:0", device_type="CPU")


@pytest.fixture(autouse=True)
def _defaults():
    config_devices._reset_for_tests()
    yield
    config_devices._reset_for_tests()


@pytest.mark.parametrize(
    ("call", "expected"),
    [
        (lambda: tf.config.list_physical_devices(), [CPU]),
        (lambda: tf.config.list_physical_devices("CPU"), [CPU]),
        (lambda: tf.config.list_physical_devices("GPU"), []),
        (lambda: tf.config.experimental.list_physical_devices("GPU"), []),
        (lambda: tf.config.list_logical_devices(),
         [tf.config.LogicalDevice(name="/device:CPU:0", device_type="CPU")]),
        (lambda: tf.config.get_visible_devices("CPU"), [CPU]),
        (lambda: tf.config.get_soft_device_placement(), True),
        (lambda: tf.config.get_logical_device_configuration(CPU), None),
        (lambda: tf.config.experimental.get_device_details(CPU), {}),
        (lambda: tf.config.experimental.tensor_float_32_execution_enabled(), True),
    ],
)
def test_answers_of_a_cpu_only_machine(call, expected):
    assert call() == expected


def test_the_usual_gpu_probe_runs():
    # The idiom of many TF programs: enable memory growth on every GPU there is.
    for gpu in tf.config.experimental.list_physical_devices("GPU"):
        tf.config.experimental.set_memory_growth(gpu, True)
    assert not tf.test.is_gpu_available()


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (lambda: tf.config.experimental.set_memory_growth(CPU, True), ValueError,
         "Cannot set memory growth on non-GPU"),
        (lambda: tf.config.experimental.get_memory_growth(CPU), ValueError,
         "Cannot query memory growth on non-GPU"),
        (lambda: tf.config.set_visible_devices([("/physical_device:GPU:0", "GPU")]),
         ValueError, "Unrecognized device"),
        (lambda: tf.config.set_logical_device_configuration(
            CPU, [tf.config.LogicalDeviceConfiguration(memory_limit=10)]), ValueError,
         "memory limit on CPU"),
        (lambda: tf.config.experimental.get_memory_info("CPU:0"), ValueError, "GPUs and TPUs"),
    ],
)
def test_gpu_only_requests_are_refused(call, error, message):
    with pytest.raises(error, match=message):
        call()


def test_logical_cpus_and_visibility_are_recorded():
    tf.config.set_logical_device_configuration(
        CPU, [tf.config.LogicalDeviceConfiguration()] * 2)
    names = [d.name for d in tf.config.list_logical_devices("CPU")]
    assert names == ["/device:CPU:0", "/device:CPU:1"]
    assert len(tf.config.experimental.get_virtual_device_configuration(CPU)) == 2
    tf.config.set_visible_devices([], "CPU")
    assert tf.config.get_visible_devices() == []
    tf.config.set_soft_device_placement(False)
    assert tf.config.get_soft_device_placement() is False
