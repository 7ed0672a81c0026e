"""Oracle cases from session 9's sweep G (tensorflow/nmt, wiseodd/generative-models):
lookup tables from vocabulary files, ``Dataset.shard``, GFile writes, variables kept by a
server between sessions.

Same rules as cases.py: each build is a function of ``tf`` and ``np``; the vocabulary files
are written by the case itself (same bytes in both interpreters).
"""

import os
import tempfile

from cases import Case

_FILES = {
    "vocab": b"<unk>\n<s>\n</s>\nhello\nworld\n",
    "crlf": b"a\r\nb\r\nd\r\nc",
    "columns": b"x\t7\ny\t8\nz\t9\n",
    "empty_line": b"a\nb\n\nc\n",
    "short_row": b"x\t7\ny\t8\nz\n",
    "bad_int": b"x\t7\ny\tq\n",
    "duplicate": b"a\nb\na\n",
}


def _file(name):
    folder = os.path.join(tempfile.gettempdir(), "smallflow_oracle_sweep9g")
    os.makedirs(folder, exist_ok=True)
    path = os.path.join(folder, name + ".txt")
    with open(path, "wb") as handle:
        handle.write(_FILES[name])
    return path


def _ids_table(tf, name, vocab_size=None):
    init = tf.lookup.TextFileInitializer(_file(name), tf.string, tf.lookup.TextFileIndex.WHOLE_LINE,
                                         tf.int64, tf.lookup.TextFileIndex.LINE_NUMBER,
                                         vocab_size=vocab_size)
    return tf.lookup.StaticHashTable(init, -1)


def _words_table(tf, name):
    init = tf.lookup.TextFileInitializer(_file(name), tf.int64,
                                         tf.lookup.TextFileIndex.LINE_NUMBER, tf.string,
                                         tf.lookup.TextFileIndex.WHOLE_LINE)
    return tf.lookup.StaticHashTable(init, "UNK")


def _vocabulary(tf, np):
    # NMT's source/target tables: word -> line number, and line number -> word.
    ids = _ids_table(tf, "vocab")
    words = _words_table(tf, "vocab")
    found = ids.lookup(tf.constant([["hello", "zz"], ["</s>", "<unk>"]]))
    back = words.lookup(tf.constant([3, 4, 9, 0], tf.int64))
    return ({"ids": found, "words": back, "size": ids.size(), "size_words": words.size(),
             "ids_name": tf.constant(found.op.type)}, None, [tf.tables_initializer()])


def _crlf_and_truncation(tf, np):
    # Carriage returns end lines as newlines do; vocab_size keeps the first lines only.
    ids = _ids_table(tf, "crlf")
    first_two = _ids_table(tf, "crlf", vocab_size=2)
    keys = tf.constant(["a", "b", "d", "c", "a\r"])
    return ({"ids": ids.lookup(keys), "first_two": first_two.lookup(keys),
             "size": first_two.size()}, None, [tf.tables_initializer()])


def _columns(tf, np):
    init = tf.lookup.TextFileInitializer(_file("columns"), tf.string, 0, tf.int64, 1,
                                         delimiter="\t")
    table = tf.lookup.StaticHashTable(init, -1)
    return ({"values": table.lookup(tf.constant(["y", "x", "w", "z"]))}, None,
            [tf.tables_initializer()])


def _key_value(tf, np):
    init = tf.lookup.KeyValueTensorInitializer(tf.constant([10, 20, 30], tf.int64),
                                               tf.constant([1.5, 2.5, -1.0]))
    table = tf.lookup.StaticHashTable(init, 0.25)
    keys = tf.constant([[30, 11], [10, 20]], tf.int64)
    return ({"values": table.lookup(keys), "size": table.size()}, None,
            [tf.tables_initializer()])


def _vocabulary_with_buckets(tf, np):
    # Keys missing from the file go to size + Fingerprint64(key) % buckets.
    init = tf.lookup.TextFileInitializer(_file("vocab"), tf.string,
                                         tf.lookup.TextFileIndex.WHOLE_LINE, tf.int64,
                                         tf.lookup.TextFileIndex.LINE_NUMBER)
    table = tf.lookup.StaticVocabularyTable(init, 3)
    keys = tf.constant(["a", "hello", "b", "world", "zebra"])
    return ({"ids": table.lookup(keys), "size": table.size()}, None, [tf.tables_initializer()])


def _table_names(tf, np):
    # Op names programs see (and GraphDefs keep): the handle, the lookup, the initializer.
    init = tf.lookup.KeyValueTensorInitializer(["a"], [1], tf.string, tf.int64)
    table = tf.lookup.StaticHashTable(init, -1, "vocab_table")
    looked_up = table.lookup(tf.constant(["a"]))
    unnamed = _ids_table(tf, "vocab")
    names = [table.resource_handle.op.name, looked_up.op.name, table.initializer.name,
             unnamed.resource_handle.op.name, unnamed.initializer.name,
             unnamed.size().op.name]
    return {"names": tf.constant(names), "found": looked_up}, None, [tf.tables_initializer()]


def _table_error(tf, np, which):
    if which == "not_initialized":
        return {"ids": _ids_table(tf, "vocab").lookup(tf.constant(["hello"]))}
    if which == "wrong_key_dtype":
        return {"ids": _ids_table(tf, "vocab").lookup(tf.constant([1]))}
    if which == "default_not_scalar":
        init = tf.lookup.KeyValueTensorInitializer(["a"], [1], tf.string, tf.int64)
        return {"size": tf.lookup.StaticHashTable(init, [1, 2]).size()}
    if which == "bad_int":
        init = tf.lookup.TextFileInitializer(_file("bad_int"), tf.string, 0, tf.int64, 1)
        table = tf.lookup.StaticHashTable(init, -1)
    elif which == "short_row":
        init = tf.lookup.TextFileInitializer(_file("short_row"), tf.string, 0, tf.int64, 1)
        table = tf.lookup.StaticHashTable(init, -1)
    elif which == "vocab_size_too_big":
        table = _ids_table(tf, "vocab", vocab_size=9)
    elif which == "duplicate_key":
        table = _ids_table(tf, "duplicate")
    elif which == "duplicate_tensor_key":
        init = tf.lookup.KeyValueTensorInitializer(["a", "a"], [1, 2], tf.string, tf.int64)
        table = tf.lookup.StaticHashTable(init, -1)
    else:
        table = _ids_table(tf, which)
    return {"size": table.size()}, None, [tf.tables_initializer()]


def _gfile_bytes_in_text_mode(tf, np):
    # NMT writes attention PNGs into a GFile opened with mode "w": bytes go in as they are.
    path = os.path.join(tempfile.gettempdir(), "smallflow_oracle_sweep9g", "written.bin")
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with tf.gfile.GFile(path, "w") as handle:
        handle.write("text ")
        handle.write(b"\x89PNG\r\n")
        handle.write("more")
    with open(path, "rb") as handle:
        data = handle.read()
    return {"bytes": tf.constant(np.frombuffer(data, np.uint8))}


def _shard(tf, np, num_shards, index):
    dataset = tf.data.Dataset.range(10).shard(num_shards, index)
    return {"x": dataset.make_one_shot_iterator().get_next()}


def _group_by_window_flush(tf, np):
    # At the end of the input the partial windows come out in ascending key order (NMT's
    # bucketing emits its last batches that way), whatever order the keys first came in.
    keys = tf.constant([7, -2, 3, 7, 0, 3, -2, 5], tf.int64)
    dataset = tf.data.Dataset.from_tensor_slices(keys).apply(tf.data.experimental.group_by_window(
        key_func=lambda x: x, reduce_func=lambda key, window: window.batch(4), window_size=3))
    return {"batch": dataset.make_one_shot_iterator().get_next()}


def _updates_fetched_together(tf, np):
    # Two optimizers' steps and assignments fetched in one run all reach the variable (each
    # update works on the reference); with a loss linear in w the steps do not depend on
    # when w is read, so the result is the same in any order.
    w = tf.Variable([1.0, -2.0], name="w")
    loss = tf.reduce_sum(w * tf.constant([3.0, 5.0]))
    step_a = tf.train.GradientDescentOptimizer(0.1).minimize(loss)
    step_b = tf.train.GradientDescentOptimizer(0.01).minimize(loss)
    c = tf.Variable(0.0, name="c")
    together = [step_a, step_b, c.assign_add(1.0), c.assign_add(2.0), c.assign_sub(0.5)]
    return {"w": tf.identity(w), "c": tf.identity(c)}, None, [together]


def _server_keeps_variables(tf, np):
    # NMT's model tests train in one session on a server's target and evaluate in another
    # session (another graph) on the same target: the variables live in the server.
    server = tf.train.Server.create_local_server()
    with tf.Graph().as_default():
        v = tf.Variable([1.0, 2.0], name="kept")
        with tf.Session(server.target) as sess:
            sess.run(v.initializer)
            sess.run(v.assign_add([10.0, 10.0]))
    with tf.Graph().as_default():
        again = tf.Variable([0.0, 0.0], name="kept")
        with tf.Session(server.target) as sess:
            kept = sess.run(again)
    return {"kept": tf.constant(kept)}


def _server_reset(tf, np):
    # tf.Session.reset(target): the server forgets its variables (all containers, or the
    # ones named; the variables here are in the default container).
    server = tf.train.Server.create_local_server()
    with tf.Graph().as_default():
        v = tf.Variable([3.0], name="kept")
        with tf.Session(server.target) as sess:
            sess.run(v.initializer)
        tf.Session.reset(server.target, ["another_container"])
        with tf.Session(server.target) as sess:
            after_other = sess.run(v)
        tf.Session.reset(server.target)
        with tf.Session(server.target) as sess:
            cleared = not sess.run(tf.is_variable_initialized(v))
    tf.Session.reset("")
    return {"after_other": tf.constant(after_other), "cleared": tf.constant(cleared)}


SWEEP_SESSION9G_CASES = [
    Case("sweep_9g/lookup_vocabulary_file", _vocabulary),
    Case("sweep_9g/lookup_crlf_and_vocab_size", _crlf_and_truncation),
    Case("sweep_9g/lookup_file_columns", _columns),
    Case("sweep_9g/lookup_key_value_tensors", _key_value),
    Case("sweep_9g/lookup_vocabulary_with_oov_buckets", _vocabulary_with_buckets),
    Case("sweep_9g/lookup_table_names", _table_names),
    *[Case(f"sweep_9g/lookup_error_{which}", lambda tf, np, w=which: _table_error(tf, np, w))
      for which in ("not_initialized", "wrong_key_dtype", "default_not_scalar", "bad_int",
                    "short_row", "vocab_size_too_big", "duplicate_key", "duplicate_tensor_key",
                    "empty_line")],
    Case("sweep_9g/gfile_bytes_in_text_mode", _gfile_bytes_in_text_mode),
    Case("sweep_9g/dataset_shard", lambda tf, np: _shard(tf, np, 3, 1), runs=5),
    Case("sweep_9g/dataset_shard_bad_index", lambda tf, np: _shard(tf, np, 3, 3), runs=2),
    Case("sweep_9g/dataset_shard_zero_shards", lambda tf, np: _shard(tf, np, 0, 0), runs=2),
    Case("sweep_9g/group_by_window_flush_order", _group_by_window_flush, runs=7),
    Case("sweep_9g/updates_fetched_together", _updates_fetched_together, init=True),
    Case("sweep_9g/server_keeps_variables", _server_keeps_variables),
    Case("sweep_9g/server_reset", _server_reset),
]
