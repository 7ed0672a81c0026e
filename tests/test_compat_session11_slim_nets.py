"""``tf.contrib.slim.nets`` (session 11): variable names, shapes, end points and parameter
counts as TensorFlow 1.15's nets and their tests give them."""

import numpy as np
import pytest

import smallflow as tf
from smallflow.contrib.slim.nets import (
    alexnet,
    inception,
    overfeat,
    resnet_utils,
    resnet_v1,
    resnet_v2,
    vgg,
)

slim = tf.contrib.slim


def _parameter_count():
    return int(sum(np.prod(v.shape.as_list()) for v in slim.get_model_variables()))


# The counts of TF-Slim's inception tests (model variables of the base, batch norm included).
@pytest.mark.parametrize(("base", "arg_scope", "size", "params", "final", "shape"), [
    (inception.inception_v1_base, inception.inception_v1_arg_scope, 224, 5607184, "Mixed_5c",
     [5, 7, 7, 1024]),
    (inception.inception_v2_base, inception.inception_v2_arg_scope, 224, 10173112, "Mixed_5c",
     [5, 7, 7, 1024]),
    (inception.inception_v3_base, inception.inception_v3_arg_scope, 299, 21802784, "Mixed_7c",
     [5, 8, 8, 2048]),
])
def test_inception_bases_have_tf_slims_parameter_counts(base, arg_scope, size, params, final,
                                                        shape):
    with slim.arg_scope(arg_scope()):
        net, end_points = base(tf.random_uniform((5, size, size, 3)))
    assert _parameter_count() == params
    assert net.shape.as_list() == shape
    assert list(end_points)[-1] == final


def test_inception_v1_base_stops_at_each_end_point():
    names = ["Conv2d_1a_7x7", "MaxPool_2a_3x3", "Conv2d_2b_1x1", "Conv2d_2c_3x3",
             "MaxPool_3a_3x3", "Mixed_3b", "Mixed_3c", "MaxPool_4a_3x3", "Mixed_4b", "Mixed_4c",
             "Mixed_4d", "Mixed_4e", "Mixed_4f", "MaxPool_5a_2x2", "Mixed_5b", "Mixed_5c"]
    for index, name in enumerate(names):
        with tf.Graph().as_default():
            inputs = tf.placeholder(tf.float32, [5, 224, 224, 3])
            out, end_points = inception.inception_v1_base(inputs, final_endpoint=name)
            assert out.op.name.startswith("InceptionV1/" + name)
            assert list(end_points) == names[:index + 1]


def test_inception_base_refuses_an_unknown_final_endpoint():
    with pytest.raises(ValueError, match="Unknown final endpoint Mixed_9z"):
        inception.inception_v3_base(tf.placeholder(tf.float32, [1, 299, 299, 3]),
                                    final_endpoint="Mixed_9z")


def test_inception_v3_heads_and_quirky_names():
    logits, end_points = inception.inception_v3(tf.random_uniform((5, 299, 299, 3)), 1000)
    assert logits.op.name == "InceptionV3/Logits/SpatialSqueeze"
    assert logits.shape.as_list() == [5, 1000]
    assert end_points["AuxLogits"].shape.as_list() == [5, 1000]
    assert end_points["PreLogits"].shape.as_list() == [5, 1, 1, 2048]
    assert end_points["Predictions"].shape.as_list() == [5, 1000]
    names = {v.op.name for v in slim.get_model_variables()}
    # TF-Slim's names, irregular ones included.
    for name in ("InceptionV3/Mixed_5c/Branch_1/Conv_1_0c_5x5/weights",
                 "InceptionV3/Mixed_6a/Branch_0/Conv2d_1a_1x1/weights",
                 "InceptionV3/Mixed_7c/Branch_1/Conv2d_0c_3x1/weights",
                 "InceptionV3/AuxLogits/Conv2d_2a_5x5/weights",
                 "InceptionV3/Logits/Conv2d_1c_1x1/biases"):
        assert name in names


def test_inception_v2_depth_multiplier_and_its_separable_stem():
    _, end_points = inception.inception_v2_base(tf.random_uniform((5, 224, 224, 3)),
                                                depth_multiplier=0.5)
    assert end_points["Mixed_5c"].shape.as_list() == [5, 7, 7, 512]
    shapes = {v.op.name: v.shape.as_list() for v in slim.get_model_variables()}
    assert shapes["InceptionV2/Conv2d_1a_7x7/depthwise_weights"] == [7, 7, 3, 8]
    assert shapes["InceptionV2/Conv2d_1a_7x7/pointwise_weights"] == [1, 1, 24, 32]
    with pytest.raises(ValueError, match="depth_multiplier is not greater than zero"):
        inception.inception_v2(tf.random_uniform((5, 224, 224, 3)), depth_multiplier=0)


def test_vgg_a_end_points_and_vgg_16_variables():
    _, end_points = vgg.vgg_a(tf.random_uniform((5, 224, 224, 3)), 1000)
    expected = ["vgg_a/conv1/conv1_1", "vgg_a/pool1", "vgg_a/conv2/conv2_1", "vgg_a/pool2",
                "vgg_a/conv3/conv3_1", "vgg_a/conv3/conv3_2", "vgg_a/pool3",
                "vgg_a/conv4/conv4_1", "vgg_a/conv4/conv4_2", "vgg_a/pool4",
                "vgg_a/conv5/conv5_1", "vgg_a/conv5/conv5_2", "vgg_a/pool5", "vgg_a/fc6",
                "vgg_a/fc7", "vgg_a/fc8"]
    assert set(end_points) == set(expected)
    with tf.Graph().as_default():
        logits, _ = vgg.vgg_16(tf.random_uniform((5, 224, 224, 3)), 1000)
        assert logits.op.name == "vgg_16/fc8/squeezed"
        names = [v.op.name for v in slim.get_model_variables()]
    blocks = [("conv1", 2), ("conv2", 2), ("conv3", 3), ("conv4", 3), ("conv5", 3)]
    expected_names = []
    for block, times in blocks:
        for index in range(1, times + 1):
            expected_names += [f"vgg_16/{block}/{block}_{index}/weights",
                               f"vgg_16/{block}/{block}_{index}/biases"]
    for layer in ("fc6", "fc7", "fc8"):
        expected_names += [f"vgg_16/{layer}/weights", f"vgg_16/{layer}/biases"]
    assert names == expected_names


@pytest.mark.parametrize(("net", "size", "params"), [
    (alexnet.alexnet_v2, 224, 50303912),
    (overfeat.overfeat, 231, 145704424),
])
def test_alexnet_and_overfeat_shapes(net, size, params):
    logits, end_points = net(tf.random_uniform((2, size, size, 3)), 1000)
    scope = net.__name__
    assert logits.shape.as_list() == [2, 1000]
    assert end_points[f"{scope}/fc7"].shape.as_list() == [2, 1, 1, 4096]
    assert f"{scope}/pool5" in end_points
    assert _parameter_count() == params


def test_alexnet_runs_and_predicts_per_class_scores():
    with slim.arg_scope(alexnet.alexnet_v2_arg_scope()):
        logits, _ = alexnet.alexnet_v2(tf.random_uniform((1, 224, 224, 3), seed=1), 10,
                                       is_training=False)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        value = sess.run(logits)
    assert value.shape == (1, 10)
    assert np.all(np.isfinite(value))


def _test_input(batch, height, width, channels):
    grid = np.arange(height).reshape(height, 1) + np.arange(width).reshape(1, width)
    return tf.constant(np.tile(grid.reshape(1, height, width, 1),
                               [batch, 1, 1, channels]).astype(np.float32))


def test_conv2d_same_matches_a_subsampled_stride_1_convolution():
    x = _test_input(1, 4, 4, 1)
    w = tf.reshape(_test_input(1, 3, 3, 1), [3, 3, 1, 1])
    tf.get_variable("Conv/weights", initializer=w)
    tf.get_variable("Conv/biases", initializer=tf.zeros([1]))
    tf.get_variable_scope().reuse_variables()
    y1 = slim.conv2d(x, 1, [3, 3], stride=1, scope="Conv")
    y2 = resnet_utils.subsample(y1, 2)
    y3 = resnet_utils.conv2d_same(x, 1, 3, stride=2, scope="Conv")
    y4 = slim.conv2d(x, 1, [3, 3], stride=2, scope="Conv")
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        v1, v2, v3, v4 = sess.run([y1, y2, y3, y4])
    np.testing.assert_allclose(v1[0, :, :, 0], [[14, 28, 43, 26], [28, 48, 66, 37],
                                                [43, 66, 84, 46], [26, 37, 46, 22]])
    np.testing.assert_allclose(v2[0, :, :, 0], [[14, 43], [43, 84]])
    np.testing.assert_allclose(v3, v2)
    np.testing.assert_allclose(v4[0, :, :, 0], [[48, 37], [37, 22]])


@pytest.mark.parametrize("version", [resnet_v1, resnet_v2])
def test_tiny_resnet_end_points(version):
    tag = version.__name__.rpartition(".")[2].replace("resnet_", "")
    blocks = [version.__dict__[f"resnet_{tag}_block"]("block1", base_depth=1, num_units=2,
                                                      stride=2),
              version.__dict__[f"resnet_{tag}_block"]("block2", base_depth=2, num_units=2,
                                                      stride=1)]
    with slim.arg_scope(resnet_utils.resnet_arg_scope()), tf.variable_scope("tiny"), \
            slim.arg_scope([slim.conv2d], outputs_collections="end_points"):
        resnet_utils.stack_blocks_dense(_test_input(2, 32, 16, 3), blocks)
    end_points = slim.utils.convert_collection_to_dict("end_points")
    expected = []
    for block in ("block1", "block2"):
        expected.append(f"tiny/{block}/unit_1/bottleneck_{tag}/shortcut")
        for unit in (1, 2):
            expected += [f"tiny/{block}/unit_{unit}/bottleneck_{tag}/conv{k}" for k in (1, 2, 3)]
    assert set(end_points) == set(expected)


@pytest.mark.parametrize("net", [resnet_v1.resnet_v1_50, resnet_v2.resnet_v2_50])
def test_resnet_50_logits_end_points_and_batch_norm_model_variables(net):
    with slim.arg_scope(resnet_utils.resnet_arg_scope()):
        logits, end_points = net(tf.random_uniform((2, 224, 224, 3)), 1000)
    scope = net.__name__
    assert logits.shape.as_list() == [2, 1, 1, 1000]
    for block, depth in (("block1", 256), ("block2", 512), ("block3", 1024),
                         ("block4", 2048)):
        assert end_points[f"{scope}/{block}"].shape.as_list()[-1] == depth
    assert end_points["predictions"].shape.as_list() == [2, 1, 1, 1000]
    names = {v.op.name for v in slim.get_model_variables()}
    if scope == "resnet_v1_50":
        unit = "resnet_v1_50/block1/unit_1/bottleneck_v1/conv1/BatchNorm"
    else:
        unit = "resnet_v2_50/block1/unit_1/bottleneck_v2/preact"
    assert {f"{unit}/{v}" for v in ("beta", "gamma", "moving_mean", "moving_variance")} <= names


def test_resnet_output_stride_keeps_the_features_and_dilates():
    blocks = [resnet_v1.resnet_v1_block("block1", base_depth=1, num_units=2, stride=2),
              resnet_v1.resnet_v1_block("block2", base_depth=2, num_units=2, stride=2),
              resnet_v1.resnet_v1_block("block3", base_depth=4, num_units=2, stride=1)]
    inputs = _test_input(2, 32, 32, 3)
    with slim.arg_scope(resnet_utils.resnet_arg_scope(batch_norm_decay=0.9)), \
            slim.arg_scope([slim.batch_norm], is_training=False):
        with tf.variable_scope("net"):
            dense = resnet_utils.stack_blocks_dense(inputs, blocks, output_stride=2)
        with tf.variable_scope("net", reuse=True):
            full = resnet_utils.stack_blocks_dense(inputs, blocks)  # output stride 4
        with pytest.raises(ValueError, match="output_stride cannot be reached"):
            resnet_utils.stack_blocks_dense(inputs, blocks, output_stride=3)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        dense_value, full_value = sess.run([dense, full])
    assert dense_value.shape == (2, 16, 16, 16)
    np.testing.assert_allclose(dense_value[:, ::2, ::2], full_value, rtol=1e-4, atol=1e-4)


def test_nets_import_as_tf_slim_paths():
    import smallflow.contrib.slim.nets as nets

    assert tf.contrib.slim.nets is nets
    assert nets.inception.inception_v3 is inception.inception_v3
    assert nets.vgg.vgg_d is nets.vgg.vgg_16
