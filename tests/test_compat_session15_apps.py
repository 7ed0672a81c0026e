"""tf.keras.applications (session 15): architectures, preprocessing, input-shape rules, the
weight files of Keras's cache, and decode_predictions.
tests/oracle/test_keras_applications_layers.py compares predictions with TensorFlow's models
on the same weights."""

import json
import os
import urllib.error
import urllib.request

import numpy as np
import pytest

import smallflow as tf

apps = tf.keras.applications


@pytest.fixture(autouse=True)
def _fresh_keras():
    yield
    tf.keras.backend.clear_session()


@pytest.mark.parametrize(("name", "kwargs", "params", "shape"), [
    # Keras's figures for the networks without their classifier (TensorFlow 2.21's tf_keras
    # gives the same numbers).
    ("VGG16", {}, 14_714_688, (None, None, None, 512)),
    ("ResNet50", {}, 23_587_712, (None, None, None, 2048)),
    ("ResNet50V2", {}, 23_564_800, (None, None, None, 2048)),
    ("MobileNet", {"input_shape": (224, 224, 3)}, 3_228_864, (None, 7, 7, 1024)),
    ("MobileNetV2", {"input_shape": (224, 224, 3)}, 2_257_984, (None, 7, 7, 1280)),
    ("DenseNet121", {}, 7_037_504, (None, None, None, 1024)),
    ("InceptionV3", {}, 21_802_784, (None, None, None, 2048)),
    ("Xception", {}, 20_861_480, (None, None, None, 2048)),
    ("InceptionResNetV2", {}, 54_336_736, (None, None, None, 1536)),
])
def test_architectures_have_keras_parameter_counts(name, kwargs, params, shape):
    model = getattr(apps, name)(weights=None, include_top=False, **kwargs)
    assert model.count_params() == params
    assert model.output_shape == shape


def test_classifier_heads_as_tensorflow_1_15_names_them():
    mobilenet = apps.MobileNet(weights=None, input_shape=(32, 32, 3), classes=10, alpha=0.25)
    names = [layer.name for layer in mobilenet.layers]
    assert names[1] == "conv1_pad"
    assert names[-6:] == ["global_average_pooling2d", "reshape_1", "dropout", "conv_preds",
                          "reshape_2", "act_softmax"]
    assert mobilenet.output_shape == (None, 10)
    assert mobilenet.name == "mobilenet_0.25_32"
    v2 = apps.MobileNetV2(weights=None, input_shape=(32, 32, 3), classes=7, alpha=0.35)
    assert v2.layers[-1].name == "Logits"
    assert v2.output_shape == (None, 7)
    assert v2.name == "mobilenetv2_0.35_32"
    vgg = apps.VGG19(weights=None, input_shape=(32, 32, 3), classes=3)
    assert [layer.name for layer in vgg.layers[-4:]] == ["flatten", "fc1", "fc2", "predictions"]
    x = np.random.RandomState(0).uniform(0, 255, (2, 32, 32, 3)).astype("float32")
    probabilities = vgg.predict(apps.vgg19.preprocess_input(x))
    np.testing.assert_allclose(probabilities.sum(1), 1, rtol=1e-5)


def test_preprocess_input_modes_on_arrays_and_tensors():
    x = np.arange(2 * 2 * 2 * 3, dtype="float32").reshape(2, 2, 2, 3) * 10
    caffe = apps.vgg16.preprocess_input(x.copy())
    np.testing.assert_allclose(caffe[..., 0], x[..., 2] - 103.939, rtol=1e-6)
    np.testing.assert_allclose(caffe[..., 2], x[..., 0] - 123.68, rtol=1e-6)
    np.testing.assert_allclose(apps.mobilenet.preprocess_input(x.copy()), x / 127.5 - 1,
                               rtol=1e-6)
    torch = apps.densenet.preprocess_input(x.copy())
    np.testing.assert_allclose(torch[..., 1], (x[..., 1] / 255 - 0.456) / 0.224, rtol=1e-5)
    # in place for float arrays, as Keras; integer arrays become floatx first
    inplace = x.copy()
    assert apps.inception_v3.preprocess_input(inplace) is inplace
    assert apps.xception.preprocess_input(np.full((1, 1, 1, 3), 255, np.uint8)).dtype == \
        np.float32
    first = apps.imagenet_utils.preprocess_input(
        np.moveaxis(x.copy(), -1, 1), data_format="channels_first", mode="caffe")
    np.testing.assert_allclose(np.moveaxis(first, 1, -1), caffe, rtol=1e-6)
    with tf.Session() as sess:
        for module in (apps.vgg16, apps.resnet_v2, apps.densenet):
            tensor = sess.run(module.preprocess_input(tf.constant(x)))
            np.testing.assert_allclose(tensor, module.preprocess_input(x.copy()), rtol=1e-5,
                                       atol=1e-4)
    with pytest.raises(ValueError, match="Unknown mode"):
        apps.imagenet_utils.preprocess_input(x, mode="keras")


def test_input_shape_and_weights_checks_say_what_is_wrong():
    with pytest.raises(ValueError, match="`classes` should be 1000"):
        apps.VGG16(weights="imagenet", classes=10)
    with pytest.raises(ValueError, match="The `weights` argument should be either"):
        apps.ResNet50(weights="no-such-file.h5")
    with pytest.raises(ValueError, match=r"should be \(224, 224, 3\)"):
        apps.VGG16(weights="imagenet", input_shape=(32, 32, 3))
    with pytest.raises(ValueError, match="Input size must be at least 75x75"):
        apps.InceptionV3(weights=None, include_top=False, input_shape=(64, 64, 3))
    with pytest.raises(ValueError, match="must have 3 channels"):
        apps.ResNet50(weights="imagenet", include_top=False, input_shape=(64, 64, 1))
    with pytest.raises(ValueError, match="three integers"):
        apps.VGG16(weights=None, include_top=False, input_shape=(64, 64))
    with pytest.raises(ValueError, match="alpha can be one of"):
        apps.MobileNet(weights="imagenet", alpha=0.3)
    with pytest.warns(UserWarning, match="1 or 3 input channels"):
        apps.VGG16(weights=None, include_top=False, input_shape=(32, 32, 5))


def _offline(monkeypatch, home):
    monkeypatch.setenv("HOME", str(home))

    def refuse(*args, **kwargs):
        raise urllib.error.URLError("no network in this test")

    monkeypatch.setattr(urllib.request, "urlopen", refuse)
    return home / ".keras" / "models"


def test_imagenet_weights_come_from_keras_cache(monkeypatch, tmp_path):
    pytest.importorskip("h5py", reason="the h5 extra (pip install 'smallflow[h5]')")
    cache = _offline(monkeypatch, tmp_path)
    with pytest.raises(OSError, match="vgg16_weights_tf_dim_ordering_tf_kernels_notop.h5") as err:
        apps.VGG16(weights="imagenet", include_top=False)
    assert str(cache) in str(err.value)
    source = apps.VGG16(weights=None, include_top=False, input_shape=(32, 32, 3))
    cache.mkdir(parents=True, exist_ok=True)
    source.save_weights(str(cache / "vgg16_weights_tf_dim_ordering_tf_kernels_notop.h5"))
    expected = source.get_weights()
    loaded = apps.VGG16(weights="imagenet", include_top=False, input_shape=(32, 32, 3))
    for got, want in zip(loaded.get_weights(), expected, strict=True):
        np.testing.assert_array_equal(got, want)


def test_decode_predictions_reads_the_class_index(monkeypatch, tmp_path):
    cache = _offline(monkeypatch, tmp_path)
    monkeypatch.setattr(apps.imagenet_utils, "_class_index", None)
    with pytest.raises(OSError, match="imagenet_class_index.json"):
        apps.resnet50.decode_predictions(np.ones((1, 1000)))
    cache.mkdir(parents=True, exist_ok=True)
    index = {str(i): [f"n{i:08d}", f"class_{i}"] for i in range(1000)}
    (cache / "imagenet_class_index.json").write_text(json.dumps(index))
    # get_file checks the cached file's hash when given one: use TensorFlow's name only
    monkeypatch.setattr(apps.imagenet_utils, "cached_file",
                        lambda fname, origin, file_hash=None: str(cache / fname))
    scores = np.zeros((2, 1000))
    scores[0, [5, 9, 2]] = [0.5, 0.3, 0.2]
    scores[1, 999] = 1.0
    decoded = apps.vgg16.decode_predictions(scores, top=3)
    assert [entry[:2] for entry in decoded[0]] == [("n00000005", "class_5"),
                                                   ("n00000009", "class_9"),
                                                   ("n00000002", "class_2")]
    assert decoded[1][0] == ("n00000999", "class_999", 1.0)
    with pytest.raises(ValueError, match=r"shape \(samples, 1000\)"):
        apps.vgg16.decode_predictions(np.ones((2, 10)))


def test_input_tensor_and_source_inputs():
    images = tf.keras.layers.Input(shape=(32, 32, 3))
    scaled = tf.keras.layers.Lambda(lambda t: t / 255.0)(images)
    model = apps.ResNet50(weights=None, include_top=False, input_tensor=scaled, pooling="avg")
    assert model.inputs[0] is images
    assert model.output_shape == (None, 2048)
    placeholder = tf.placeholder(tf.float32, [None, 32, 32, 3])
    vgg = apps.VGG16(weights=None, include_top=False, input_tensor=placeholder)
    assert vgg.output_shape == (None, 1, 1, 512)
    assert tf.keras.utils.get_source_inputs(vgg.outputs[0])[0] is vgg.inputs[0]


def test_module_paths_of_tensorflow():
    assert apps.resnet50.ResNet50 is apps.ResNet50
    assert apps.resnet50.preprocess_input is apps.resnet.preprocess_input
    assert apps.resnet.ResNet152 is apps.ResNet152
    assert apps.resnet_v2.ResNet101V2 is apps.ResNet101V2
    assert apps.densenet.DenseNet169 is apps.DenseNet169
    assert os.path.basename(apps.imagenet_utils.__file__) == "imagenet_utils.py"


_OFFSET = 0.5


def test_lambda_layers_survive_a_model_file(tmp_path):
    # Keras writes a Lambda's function as marshalled byte code with its module's name; a
    # model with Lambda layers (InceptionResNetV2's residual sums among them) loads back.
    pytest.importorskip("h5py", reason="the h5 extra (pip install 'smallflow[h5]')")
    factor = 3.0

    def scaled(t, power=2):
        return tf.pow(t, power) * factor + _OFFSET

    inputs = tf.keras.Input((4,))
    x = tf.keras.layers.Lambda(scaled, output_shape=lambda shape: shape)(inputs)
    x = tf.keras.layers.Lambda(lambda t, k: t * k, arguments={"k": 2.0})(x)
    model = tf.keras.Model(inputs, x)
    data = np.arange(8, dtype="float32").reshape(2, 4)
    expected = model.predict(data)
    np.testing.assert_allclose(expected, (data ** 2 * 3.0 + 0.5) * 2.0, rtol=1e-6)
    model.save(str(tmp_path / "lambdas.h5"))
    loaded = tf.keras.models.load_model(str(tmp_path / "lambdas.h5"))
    np.testing.assert_allclose(loaded.predict(data), expected, rtol=1e-6)
    config = model.layers[2].get_config()
    assert config["function_type"] == "lambda"
    assert config["arguments"] == {"k": 2.0}
    assert config["module"] == __name__

    net = apps.InceptionResNetV2(weights=None, include_top=False, input_shape=(75, 75, 3),
                                 pooling="avg")
    images = np.random.RandomState(1).uniform(0, 255, (1, 75, 75, 3)).astype("float32")
    before = net.predict(images)
    net.save(str(tmp_path / "irv2.h5"))
    again = tf.keras.models.load_model(str(tmp_path / "irv2.h5"))
    np.testing.assert_allclose(again.predict(images), before, rtol=1e-5, atol=1e-7)
    assert again.get_layer("block35_1").arguments == {"scale": 0.17}
