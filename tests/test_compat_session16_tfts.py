"""tf.contrib.timeseries (session 16, helper tfts): readers, window input functions, the
autoregressive ARRegressor (train / evaluate / predict_continuation) on a noisy sine, with
TensorFlow 1.15's feature keys, output keys and shapes."""

import numpy as np
import pytest

import smallflow as tf

TS = tf.contrib.timeseries


def _sine(n=600, seed=0):
    rng = np.random.RandomState(seed)
    x = np.arange(n)
    y = np.sin(2 * np.pi * x / 50.0) + rng.uniform(-0.1, 0.1, n)
    return x, y


def _run(features):
    with tf.Session() as sess:
        return sess.run(features)


# -- keys and readers ------------------------------------------------------------------------
def test_feature_keys_are_tensorflows_strings():
    from smallflow.contrib.timeseries.python.timeseries import feature_keys

    assert TS.TrainEvalFeatures.TIMES == "times"
    assert TS.TrainEvalFeatures.VALUES == "values"
    assert feature_keys.PredictionFeatures.STATE_TUPLE == "start_tuple"
    assert feature_keys.FilteringResults.STATE_TUPLE == "start_tuple"


def test_numpy_reader_sorts_by_time_and_adds_feature_axis():
    reader = TS.NumpyReader({"times": np.array([3, 1, 2]), "values": np.array([30., 10, 20])})
    data = reader.read_full()
    np.testing.assert_array_equal(data["times"], [1, 2, 3])
    assert data["times"].dtype == np.int64
    np.testing.assert_array_equal(data["values"], [[10.], [20.], [30.]])


def test_numpy_reader_needs_times_and_values():
    with pytest.raises(ValueError, match="'values'"):
        TS.NumpyReader({"times": np.arange(3)})


def test_csv_reader_columns_dtypes_and_header(tmp_path):
    path = tmp_path / "series.csv"
    path.write_text("time,a,b,extra\n2,0.5,1.5,7\n1,0.25,1.25,8\n")
    reader = TS.CSVReader(str(path), column_names=("times", "values", "values", "extra"),
                          column_dtypes=(tf.int64, tf.float32, tf.float32, tf.int64),
                          skip_header_lines=1)
    data = reader.read_full()
    np.testing.assert_array_equal(data["times"], [1, 2])
    np.testing.assert_allclose(data["values"], [[0.25, 1.25], [0.5, 1.5]])
    assert data["values"].dtype == np.float32
    np.testing.assert_array_equal(data["extra"], [8, 7])


def test_csv_reader_rejects_bad_rows_and_names(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("1,2,3\n")
    with pytest.raises(ValueError, match="3 fields"):
        TS.CSVReader(str(path)).read_full()
    with pytest.raises(ValueError, match="exactly one"):
        TS.CSVReader(str(path), column_names=("values",))


# -- input functions -------------------------------------------------------------------------
def test_random_window_input_fn_gives_contiguous_seeded_windows():
    x, y = _sine(100)
    reader = TS.NumpyReader({"times": x, "values": y})
    batches = []
    for _ in range(2):
        with tf.Graph().as_default():
            features, labels = TS.RandomWindowInputFn(reader, window_size=7, batch_size=4,
                                                      shuffle_seed=3)()
            assert labels is None
            assert features["times"].shape.as_list() == [4, 7]
            assert features["values"].shape.as_list() == [4, 7, 1]
            batches.append(_run(features))
    times = batches[0]["times"]
    np.testing.assert_array_equal(np.diff(times, axis=1), np.ones((4, 6)))
    np.testing.assert_allclose(batches[0]["values"][..., 0], y[times], rtol=1e-6)
    np.testing.assert_array_equal(times, batches[1]["times"])


def test_random_window_longer_than_series_is_an_error():
    reader = TS.NumpyReader({"times": np.arange(5), "values": np.zeros(5)})
    with tf.Graph().as_default(), pytest.raises(ValueError, match="window_size=9"):
        TS.RandomWindowInputFn(reader, window_size=9, batch_size=2)()


def test_whole_dataset_input_fn_is_one_batch_then_ends():
    x, y = _sine(20)
    reader = TS.NumpyReader({"times": x, "values": y})
    with tf.Graph().as_default():
        features, _ = TS.WholeDatasetInputFn(reader)()
        with tf.Session() as sess:
            got = sess.run(features)
            with pytest.raises(tf.errors.OutOfRangeError):
                sess.run(features)
    assert got["times"].shape == (1, 20)
    assert got["values"].shape == (1, 20, 1)


# -- ARRegressor ---------------------------------------------------------------------------
def test_ar_regressor_fits_a_noisy_sine(tmp_path):
    x, y = _sine()
    reader = TS.NumpyReader({"times": x, "values": y})
    ar = TS.ARRegressor(periodicities=50, input_window_size=20, output_window_size=5,
                        num_features=1, loss=TS.ARModel.NORMAL_LIKELIHOOD_LOSS,
                        model_dir=str(tmp_path))
    assert isinstance(ar, tf.estimator.Estimator)
    train = TS.RandomWindowInputFn(reader, batch_size=16, window_size=25, shuffle_seed=1)
    whole = TS.WholeDatasetInputFn(reader)
    ar.train(input_fn=train, steps=20)
    early = ar.evaluate(input_fn=whole, steps=1)
    ar.train(input_fn=train, steps=1500)
    evaluation = ar.evaluate(input_fn=whole, steps=1)
    assert evaluation["loss"] < early["loss"]
    # Non-overlapping output windows cover the series after the first input window.
    assert evaluation["times"].shape == (1, 580)
    np.testing.assert_array_equal(evaluation["times"][0], x[20:])
    for key in ("mean", "covariance", "observed"):
        assert evaluation[key].shape == (1, 580, 1)
    np.testing.assert_allclose(evaluation["observed"][0, :, 0], y[20:], rtol=1e-5)
    state_times, state_values, state_exogenous = evaluation["start_tuple"]
    assert state_times.shape == (1, 20)
    assert state_values.shape == (1, 20, 1)
    assert state_exogenous.shape == (1, 20, 0)
    assert evaluation["global_step"] == 1520
    (prediction,) = tuple(ar.predict(
        input_fn=TS.predict_continuation_input_fn(evaluation, steps=102)))
    assert sorted(prediction) == ["covariance", "mean", "times"]
    np.testing.assert_array_equal(prediction["times"], np.arange(600, 702))
    assert prediction["mean"].shape == (102, 1)
    assert np.all(prediction["covariance"] > 0)
    truth = np.sin(2 * np.pi * prediction["times"] / 50.0)
    error = np.sqrt(np.mean((prediction["mean"][:, 0] - truth) ** 2))
    assert error < 0.3, error


def test_ar_squared_loss_with_hidden_layers_and_explicit_times(tmp_path):
    x, y = _sine(300)
    reader = TS.NumpyReader({"times": x, "values": y})
    ar = TS.ARRegressor(periodicities=[50, 25], input_window_size=8, output_window_size=4,
                        num_features=1, loss=TS.ARModel.SQUARED_LOSS, hidden_layer_sizes=[8],
                        model_dir=str(tmp_path))
    ar.train(input_fn=TS.RandomWindowInputFn(reader, batch_size=8, window_size=12,
                                             shuffle_seed=0), steps=30)
    evaluation = ar.evaluate(input_fn=TS.WholeDatasetInputFn(reader), steps=1)
    # (300 - 8) // 4 = 73 output windows of 4 steps after the first input window.
    assert evaluation["mean"].shape == (1, 292, 1)
    np.testing.assert_array_equal(evaluation["covariance"], np.ones((1, 292, 1)))
    (prediction,) = tuple(ar.predict(input_fn=TS.predict_continuation_input_fn(
        evaluation, times=[[300, 301, 302, 303, 304, 305]])))
    assert prediction["mean"].shape == (6, 1)


def test_ar_training_window_must_match(tmp_path):
    reader = TS.NumpyReader({"times": np.arange(50), "values": np.zeros(50)})
    ar = TS.ARRegressor(periodicities=10, input_window_size=4, output_window_size=2,
                        num_features=1, model_dir=str(tmp_path))
    with pytest.raises(ValueError, match="window_size=6"):
        ar.train(input_fn=TS.RandomWindowInputFn(reader, batch_size=2, window_size=9),
                 steps=1)


def test_tensorflow_paths_import():
    from smallflow import tensorflow_alias

    installed = tensorflow_alias.is_installed()
    tensorflow_alias.install_as_tensorflow()
    try:
        from tensorflow.contrib.timeseries.python.timeseries import NumpyReader, feature_keys

        assert NumpyReader is TS.NumpyReader
        assert feature_keys.TrainEvalFeatures is TS.TrainEvalFeatures
    finally:
        if not installed:
            tensorflow_alias.uninstall_tensorflow_alias()
