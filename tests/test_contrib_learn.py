"""tf.contrib.learn's datasets and text preprocessing, tf.keras.utils.get_file, and
tf.contrib.layers.embed_sequence, as TensorFlow's own example programs use them
(``tensorflow/examples/learn``, ``get_started/regression``)."""

import pickle

import numpy as np
import pytest

import smallflow as tf
from smallflow.contrib.learn.python.learn.datasets import base


@pytest.mark.parametrize(("name", "rows", "features", "target_dtype"), [
    ("iris", 150, 4, np.int64),
    ("boston", 506, 13, np.float64),
])
def test_bundled_tabular_datasets(name, rows, features, target_dtype):
    data = tf.contrib.learn.datasets.load_dataset(name)
    assert isinstance(data, base.Dataset)
    assert data.data.shape == (rows, features)
    assert data.data.dtype == np.float64
    assert data.target.shape == (rows,)
    assert data.target.dtype == target_dtype
    assert tf.contrib.learn.datasets.DATASETS[name] is getattr(base, f"load_{name}")


def test_iris_classes_and_first_row():
    iris = base.load_iris()
    assert sorted(set(iris.target.tolist())) == [0, 1, 2]
    np.testing.assert_allclose(iris.data[0], [5.1, 3.5, 1.4, 0.2])


def test_dbpedia_fake_data_has_class_title_text_rows():
    dbpedia = tf.contrib.learn.datasets.load_dataset("dbpedia", test_with_fake_data=True)
    assert dbpedia.validation is None
    assert dbpedia.train.data.shape[1] == 2
    assert dbpedia.train.target.dtype == np.int32
    assert len(dbpedia.test.target) >= 1


def test_unknown_dataset_name_is_refused():
    with pytest.raises(ValueError, match="Name of dataset is not found: nope"):
        tf.contrib.learn.datasets.load_dataset("nope")


def test_csv_loaders(tmp_path):
    with_header = tmp_path / "h.csv"
    with_header.write_text("2,3,a,b\n1,2,3,0\n4,5,6,1\n")
    got = base.load_csv_with_header(str(with_header), np.int32, np.float32)
    np.testing.assert_array_equal(got.data, [[1, 2, 3], [4, 5, 6]])
    np.testing.assert_array_equal(got.target, [0, 1])
    plain = tmp_path / "p.csv"
    plain.write_text("7,1.5,2.5\n8,3.5,4.5\n")
    got = base.load_csv_without_header(str(plain), np.int64, np.float64, target_column=0)
    np.testing.assert_array_equal(got.target, [7, 8])
    np.testing.assert_array_equal(got.data, [[1.5, 2.5], [3.5, 4.5]])


def test_vocabulary_processor_maps_words_to_ids_padded_and_cut():
    processor = tf.contrib.learn.preprocessing.VocabularyProcessor(4)
    ids = np.array(list(processor.fit_transform(["a b c", "b c d e f"])))
    np.testing.assert_array_equal(ids, [[1, 2, 3, 0], [2, 3, 4, 5]])
    assert len(processor.vocabulary_) == 7  # <UNK> + a b c d e f
    unseen = np.array(list(processor.transform(["a zebra"])))
    np.testing.assert_array_equal(unseen, [[1, 0, 0, 0]])
    assert list(processor.reverse([[1, 2, 0, 0]])) == ["a b <UNK> <UNK>"]


def test_vocabulary_min_frequency_keeps_frequent_words_by_count():
    processor = tf.contrib.learn.preprocessing.VocabularyProcessor(3, min_frequency=1)
    processor.fit(["x y y", "z y x"])
    assert [processor.vocabulary_.reverse(i) for i in range(3)] == ["<UNK>", "y", "x"]
    np.testing.assert_array_equal(list(processor.transform(["z y x"])), [[0, 1, 2]])


def test_vocabulary_processor_save_restore(tmp_path):
    processor = tf.contrib.learn.preprocessing.VocabularyProcessor(3).fit(["p q r"])
    path = str(tmp_path / "vocab")
    processor.save(path)
    again = tf.contrib.learn.preprocessing.VocabularyProcessor.restore(path)
    np.testing.assert_array_equal(list(again.transform(["r q"])), [[3, 2, 0]])
    assert isinstance(pickle.loads(pickle.dumps(again)).vocabulary_,
                      tf.contrib.learn.preprocessing.CategoricalVocabulary)


def test_byte_processor_round_trip():
    processor = tf.contrib.learn.preprocessing.ByteProcessor(5)
    rows = np.array(list(processor.fit_transform(["ab", "hello world"])))
    np.testing.assert_array_equal(rows, [[97, 98, 0, 0, 0], [104, 101, 108, 108, 111]])
    assert list(processor.reverse(rows)) == ["ab", "hello"]


def test_tokenizer_splits_words_acronyms_and_camel_case():
    assert list(tf.contrib.learn.preprocessing.tokenizer(["NASA's FooBar rocket-ship!"])) == [
        ["NASA", "'s", "Foo", "Bar", "rocket-ship"]]


def test_get_file_downloads_once_into_the_cache(tmp_path):
    source = tmp_path / "source.data"
    source.write_text("1,2,3\n")
    cache = tmp_path / "cache"
    path = tf.keras.utils.get_file("x.data", source.as_uri(), cache_dir=str(cache))
    assert path == str(cache / "datasets" / "x.data")
    assert (cache / "datasets" / "x.data").read_text() == "1,2,3\n"
    source.write_text("changed\n")
    again = tf.contrib.keras.utils.get_file("x.data", source.as_uri(), cache_dir=str(cache))
    assert again == path
    assert (cache / "datasets" / "x.data").read_text() == "1,2,3\n"


def test_get_file_checks_the_hash(tmp_path):
    source = tmp_path / "s.txt"
    source.write_text("abc")
    with pytest.raises(ValueError, match="expected md5 hash"):
        tf.keras.utils.get_file("s.txt", source.as_uri(), md5_hash="0" * 32,
                                cache_dir=str(tmp_path / "c"))
    assert not (tmp_path / "c" / "datasets" / "s.txt").exists()


def test_to_categorical():
    np.testing.assert_array_equal(tf.keras.utils.to_categorical([0, 2, 1], 3),
                                  [[1, 0, 0], [0, 0, 1], [0, 1, 0]])


@pytest.mark.parametrize("unique", [False, True])
def test_embed_sequence(unique):
    ids = tf.constant([[0, 2, 2], [1, 0, 3]])
    init = tf.constant_initializer(np.arange(8.0).reshape(4, 2))
    out = tf.contrib.layers.embed_sequence(ids, vocab_size=4, embed_dim=2, unique=unique,
                                           initializer=init)
    again = tf.contrib.layers.embed_sequence(ids, scope="EmbedSequence", reuse=True)
    assert out.shape.as_list() == [2, 3, 2]
    assert [v.name for v in tf.global_variables()] == ["EmbedSequence/embeddings:0"]
    assert tf.get_collection(tf.GraphKeys.MODEL_VARIABLES)[0].name == "EmbedSequence/embeddings:0"
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        got, same = sess.run([out, again])
    table = np.arange(8.0).reshape(4, 2)
    np.testing.assert_array_equal(got, table[[[0, 2, 2], [1, 0, 3]]])
    np.testing.assert_array_equal(same, got)


def test_embed_sequence_needs_sizes():
    with pytest.raises(ValueError, match="Must specify vocab size and embedding dimension"):
        tf.contrib.layers.embed_sequence(tf.constant([[1]]), vocab_size=3)
