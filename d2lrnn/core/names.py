"""The book's surface: which ``d2l.*`` names each section of each edition uses.

This is the one list every backend is held to (``tests/test_surface.py``): a backend's
``__all__`` is what the sections marked implemented declare here, plus the few names only one
framework's tab uses. Adding a section: list its names, mark it implemented when all four
backends provide them. The lists come from the book's sources (``shared/reference/``): the names
the section's cells call as ``d2l.X`` on any tab, and the names the section saves (``#@save``).
"""

from __future__ import annotations

#: Device helpers, on every backend of both editions.
DEVICE = ("cpu", "gpu", "num_gpus", "try_all_gpus", "try_gpu")

#: The tensor aliases the book's tabs call (``d2l.matmul``, ``d2l.reshape``, ...).
TENSOR_ALIASES = (
    "abs", "arange", "argmax", "astype", "concat", "cos", "exp", "expand_dims", "eye",
    "float32", "int32", "int64", "linspace", "log", "matmul", "meshgrid", "normal", "numpy",
    "ones", "rand", "randn", "reduce_mean", "reduce_sum", "reshape", "sin", "size", "stack",
    "tanh", "tensor", "transpose", "zeros",
)

#: The current edition's framework of the earlier chapters that the RNN chapter builds on.
CURRENT_FOUNDATION = (
    "Classifier", "DataModule", "HyperParameters", "Module", "ProgressBoard", "Trainer",
    "add_to_class", "check_len", "check_shape",
)

#: d2lrnn's own additions, on every backend of the current edition. ``ConciseLSTM`` and
#: ``BiGRU`` are the lstm and bi-rnn sections' concise models, which the book's reader defines
#: in a cell (``class LSTM(d2l.RNN)``, ``class BiGRU(d2l.RNN)``), for the model families
#: ``lstm-lm-concise`` and ``gru-lm-bi``; ``ConciseLSTM``, not ``LSTM``: TensorFlow's
#: ``d2l.LSTM`` is Keras's LSTM layer with the book's ``time_major``.
CURRENT_EXTRAS = ("BiGRU", "ConciseLSTM", "TrainingDivergedError", "get_params", "seed",
                  "set_params")

#: The book's plotting helpers (``d2l.plt`` is matplotlib.pyplot, imported on first use).
PLOT = ("plot", "plt", "set_axes", "set_figsize", "use_svg_display")

#: section -> the names its cells use or save (current edition, every tab).
CURRENT: dict[str, tuple[str, ...]] = {
    "sequence": ("DataModule", "LinearRegression", "Trainer", "add_to_class", "plot"),
    "text-sequence": ("DATA_URL", "DataModule", "TimeMachine", "Vocab", "add_to_class",
                      "download", "plot"),
    "language-model": ("TimeMachine", "add_to_class", "tensor"),
    "rnn": ("concat", "matmul", "normal", "randn"),
    "rnn-scratch": ("Classifier", "Module", "RNNLMScratch", "RNNScratch", "TimeMachine",
                    "Trainer", "Vocab", "add_to_class", "check_len", "check_shape", "try_gpu"),
    "rnn-concise": ("Module", "RNN", "RNNLM", "RNNLMScratch", "TimeMachine", "Trainer",
                    "swapaxes", "try_gpu"),
    # the next chapter, "Modern Recurrent Neural Networks"
    "lstm": ("Module", "RNN", "RNNLM", "RNNLMScratch", "TimeMachine", "Trainer", "add_to_class",
             "matmul", "normal", "randn", "sigmoid", "tanh", "try_gpu", "zeros"),
    "gru": ("Module", "RNN", "RNNLM", "RNNLMScratch", "TimeMachine", "Trainer", "add_to_class",
            "matmul", "normal", "randn", "sigmoid", "tanh", "try_gpu", "zeros"),
    "deep-rnn": ("GRU", "Module", "RNN", "RNNLM", "RNNLMScratch", "RNNScratch", "TimeMachine",
                 "Trainer", "add_to_class", "stack", "try_gpu"),
    "bi-rnn": ("Module", "RNN", "RNNScratch", "add_to_class", "concat"),
    "encoder-decoder": ("Classifier", "Decoder", "Encoder", "EncoderDecoder"),
    "seq2seq": ("Decoder", "Encoder", "EncoderDecoder", "GRU", "MTFraEng", "Seq2Seq",
                "Seq2SeqEncoder", "Trainer", "add_to_class", "argmax", "astype", "bleu",
                "check_len", "check_shape", "concat", "expand_dims", "float32", "int32", "int64",
                "reduce_sum", "reshape", "swapaxes", "transpose", "try_gpu", "zeros"),
    "machine-translation-and-dataset": (
        "DATA_URL", "DataModule", "MTFraEng", "Vocab", "add_to_class", "astype", "download",
        "extract", "int32", "plt", "reduce_sum", "set_figsize", "show_list_len_pair_hist",
        "tensor"),
}

#: Sections whose names every backend provides today (the surface test checks these).
CURRENT_IMPLEMENTED = ("sequence", "text-sequence", "language-model", "rnn", "rnn-scratch",
                       "rnn-concise", "lstm", "gru", "deep-rnn", "bi-rnn",
                       "machine-translation-and-dataset", "encoder-decoder", "seq2seq")

#: Names only one framework's tab uses, by backend.
CURRENT_TAB_ONLY: dict[str, tuple[str, ...]] = {
    "torch": ("SGD", "init_seq2seq", "to"),
    "mxnet": ("SGD", "to"),
    # Keras 3's SimpleRNN, LSTM and RNN with the book's time_major argument (the reader's
    # one-line change in the rnn-concise, lstm and deep-rnn cells)
    "tensorflow": ("LSTM", "SimpleRNN", "TimeMajorRNN"),
    "jax": ("TrainState", "get_key", "normal_init"),
}

#: section -> the names its cells use or save (the older edition, chapter 8, every tab).
CLASSIC: dict[str, tuple[str, ...]] = {
    "sequence": ("evaluate_loss", "load_array", "plot"),
    "text-preprocessing": ("DATA_HUB", "DATA_URL", "Vocab", "count_corpus", "download",
                           "load_corpus_time_machine", "read_time_machine", "tokenize"),
    "language-models-and-dataset": ("SeqDataLoader", "Vocab", "load_corpus_time_machine",
                                    "load_data_time_machine", "plot", "read_time_machine",
                                    "seq_data_iter_random", "seq_data_iter_sequential",
                                    "tokenize"),
    "rnn": ("concat", "matmul", "normal"),
    "rnn-scratch": ("Accumulator", "Animator", "RNNModelScratch", "Timer", "grad_clipping",
                    "load_data_time_machine", "predict_ch8", "sgd", "train_ch8",
                    "train_epoch_ch8", "try_gpu"),
    "rnn-concise": ("RNNModel", "load_data_time_machine", "predict_ch8", "train_ch8",
                    "try_gpu"),
    # chapter 9, "Modern Recurrent Neural Networks"
    "gru": ("RNNModel", "RNNModelScratch", "load_data_time_machine", "normal", "train_ch8",
            "try_gpu", "zeros"),
    "lstm": ("RNNModel", "RNNModelScratch", "load_data_time_machine", "train_ch8", "try_gpu",
             "zeros"),
    "deep-rnn": ("RNNModel", "load_data_time_machine", "train_ch8", "try_gpu"),
    "bi-rnn": ("RNNModel", "load_data_time_machine", "train_ch8", "try_gpu"),
    "machine-translation-and-dataset": (
        "DATA_HUB", "DATA_URL", "Vocab", "astype", "build_array_nmt", "download_extract",
        "int32", "load_array", "load_data_nmt", "plt", "preprocess_nmt", "read_data_nmt",
        "reduce_sum", "set_figsize", "show_list_len_pair_hist", "tensor", "tokenize_nmt",
        "truncate_pad"),
    "encoder-decoder": ("Decoder", "Encoder", "EncoderDecoder"),
    "seq2seq": ("Accumulator", "Animator", "Decoder", "Encoder", "EncoderDecoder",
                "MaskedSoftmaxCELoss", "Seq2SeqEncoder", "Timer", "bleu", "concat",
                "grad_clipping", "load_data_nmt", "ones", "predict_seq2seq", "sequence_mask",
                "train_seq2seq", "truncate_pad", "try_gpu", "zeros"),
}
CLASSIC_IMPLEMENTED = tuple(CLASSIC)

#: d2lrnn's additions and the earlier chapters' helpers, on every backend of the older edition.
CLASSIC_EXTRAS = ("TrainingDivergedError", "check_len", "check_shape", "cosh", "seed", "sinh")

#: Names only one framework's tab uses, by backend (older edition).
CLASSIC_TAB_ONLY: dict[str, tuple[str, ...]] = {
    "torch": ("sigmoid", "to"),
    "mxnet": (),
    "tensorflow": ("RNN", "sigmoid"),  # RNN: Keras 3's layer with the book's time_major
    "jax": ("get_key", "reset_key", "sigmoid"),
}


def current_exports(backend: str) -> list[str]:
    """The ``__all__`` of ``d2lrnn.<backend>``: every name of the implemented sections, the
    foundation, the aliases, the device helpers and d2lrnn's extras, plus the tab's own."""
    names = set(DEVICE) | set(TENSOR_ALIASES) | set(CURRENT_FOUNDATION) | set(CURRENT_EXTRAS)
    names |= set(PLOT)
    for section in CURRENT_IMPLEMENTED:
        names |= set(CURRENT[section])
    names |= set(CURRENT_TAB_ONLY[backend])
    return sorted(names)


def classic_exports(backend: str) -> list[str]:
    """The ``__all__`` of ``d2lrnn.classic.<backend>``."""
    names = set(DEVICE) | set(TENSOR_ALIASES) | set(PLOT) | set(CLASSIC_EXTRAS)
    for section in CLASSIC_IMPLEMENTED:
        names |= set(CLASSIC[section])
    names |= set(CLASSIC_TAB_ONLY[backend])
    return sorted(names)
