"""The older edition's API (``from d2lrnn.classic import <fw> as d2l``) given bad input, probed as
a reader would on each backend: every probe gets an error from d2lrnn itself, of the right
type, naming the argument and what was expected, raised before any framework call (or, for a
run that diverges, read from the losses the loop keeps). The last tests check that valid input
still works where a check now stands (NumPy integers, 0/1 for a flag, generators of tokens).

The table (``PROBES``) is also the list docs/classic.md shows. A backend that does not import
is a failure, not a skip (tests/conftest.py)."""

from __future__ import annotations

import importlib
import math
from types import SimpleNamespace
from typing import Any

import numpy as np
import pytest

from d2lrnn.core.download import NotBundledError
from d2lrnn.core.trainer import TrainingDivergedError

V, H = 28, 8  # the Time Machine's characters; a small model


def rnn_layer(fw: str, d2l: Any, vocab_size: int = V, num_hiddens: int = H, **kwargs: Any):
    """The framework's RNN layer as the book builds it (``kwargs`` change one setting)."""
    if fw == "torch":
        from torch import nn
        return nn.RNN(kwargs.pop("input_size", vocab_size), num_hiddens, **kwargs)
    if fw == "mxnet":
        from mxnet.gluon import rnn
        layer = rnn.RNN(num_hiddens, **kwargs)
        layer.initialize()
        return layer
    if fw == "tensorflow":
        import tensorflow as tf
        cell = tf.keras.layers.SimpleRNNCell(num_hiddens, kernel_initializer="glorot_uniform")
        return d2l.RNN(cell, **{"time_major": True, "return_sequences": True,
                                "return_state": True, **kwargs})
    from flax import linen as nn
    return nn.RNN(nn.SimpleCell(num_hiddens), **{"time_major": True, "return_carry": True,
                                                 **kwargs})


def layer_class(fw: str) -> type:
    if fw == "torch":
        from torch import nn
        return nn.RNN
    if fw == "mxnet":
        from mxnet.gluon import rnn
        return rnn.RNN
    if fw == "tensorflow":
        import tensorflow as tf
        return tf.keras.layers.SimpleRNN
    from flax import linen as nn
    return nn.RNN


def a_cell(fw: str) -> Any:
    """A cell where a layer is expected (the layer's building block, not a layer)."""
    if fw == "torch":
        from torch import nn
        return nn.RNNCell(V, H)
    if fw == "mxnet":
        from mxnet.gluon import rnn
        return rnn.RNNCell(H)
    if fw == "tensorflow":
        import tensorflow as tf
        return tf.keras.layers.SimpleRNNCell(H)
    from flax import linen as nn
    return nn.SimpleCell(H)


class Kit:
    """What the probes need on one backend: the module, a small data set and model, and the
    book's calls in this framework's signatures (TensorFlow: a strategy, no device)."""

    def __init__(self, fw: str) -> None:
        self.fw = fw
        self.d2l = d2l = importlib.import_module(f"d2lrnn.classic.{fw}")
        d2l.seed(0)
        self.train_iter, self.vocab = d2l.load_data_time_machine(4, 5, max_tokens=200)
        self.device = d2l.try_gpu()
        if fw == "tensorflow":
            import tensorflow as tf
            self.strategy = tf.distribute.OneDeviceStrategy(d2l.try_gpu()._device_name)
        self.net = self.model()

    def model(self) -> Any:
        net = self.d2l.RNNModel(rnn_layer(self.fw, self.d2l), vocab_size=V)
        if self.fw == "torch":
            net = net.to(self.device)
        if self.fw == "mxnet":
            net.initialize(force_reinit=True, ctx=self.device)
        return net

    def layer(self, **kwargs: Any) -> Any:
        return rnn_layer(self.fw, self.d2l, **kwargs)

    def train(self, net: Any = "net", train_iter: Any = "data", vocab: Any = "vocab",
              lr: Any = 1, num_epochs: Any = 1, device: Any = "device", **kw: Any) -> Any:
        net = self.net if isinstance(net, str) and net == "net" else net
        train_iter = self.train_iter if isinstance(train_iter, str) and train_iter == "data" \
            else train_iter
        vocab = self.vocab if isinstance(vocab, str) and vocab == "vocab" else vocab
        if isinstance(device, str) and device == "device":
            device = self.strategy if self.fw == "tensorflow" else self.device
        return self.d2l.train_ch8(net, train_iter, vocab, lr, num_epochs, device, **kw)

    def predict(self, prefix: Any = "time", num_preds: Any = 3, net: Any = "net",
                vocab: Any = "vocab", device: Any = "device") -> str:
        net = self.net if isinstance(net, str) and net == "net" else net
        vocab = self.vocab if isinstance(vocab, str) and vocab == "vocab" else vocab
        if self.fw == "tensorflow":  # the TensorFlow tab's predict_ch8 takes no device
            return self.d2l.predict_ch8(prefix, num_preds, net, vocab)
        device = self.device if isinstance(device, str) and device == "device" else device
        return self.d2l.predict_ch8(prefix, num_preds, net, vocab, device)

    def scratch(self, vocab_size: Any = V, num_hiddens: Any = H, get_params: Any = None,
                init_state: Any = None, forward_fn: Any = None) -> Any:
        """``RNNModelScratch`` in this framework's argument order."""
        get_params, init_state, forward_fn = (self.noop if f is None else f for f in (
            get_params, init_state, forward_fn))
        if self.fw == "tensorflow":
            return self.d2l.RNNModelScratch(vocab_size, num_hiddens, init_state, forward_fn,
                                            get_params)
        return self.d2l.RNNModelScratch(vocab_size, num_hiddens, self.device, get_params,
                                        init_state, forward_fn)

    @staticmethod
    def noop(*args: Any) -> list:
        return []

    def batches(self, X: Any, Y: Any) -> list:
        return [(self.d2l.tensor(X), self.d2l.tensor(Y))]


_KITS: dict[str, Kit] = {}


@pytest.fixture
def kit(backend: str) -> Kit:
    if backend not in _KITS:
        _KITS[backend] = Kit(backend)
    return _KITS[backend]


def word_batches(k: Kit) -> list:
    """Minibatches of word indices (a word-level vocabulary of thousands) for a char model."""
    return k.batches([[2000, 5, 7], [3, 1, 2]], [[5, 7, 9], [1, 2, 3]])


def used_up(k: Kit) -> Any:
    """A generator of minibatches (iterated once, it is used up)."""
    return iter(k.d2l.seq_data_iter_sequential([i % V for i in range(60)], 2, 5))


Probe = tuple[str, Any, type, str]


def _call(name: str, *args: Any) -> Any:
    """A probe calling ``d2l.<name>(*args)``."""
    return lambda k: getattr(k.d2l, name)(*args)


# (id, probe(kit), the error type, a regex its message must match). Every probe runs on every
# backend; one id is one test per backend.
PROBES: list[Probe] = [
    # load_data_time_machine(batch_size, num_steps, use_random_iter=False, max_tokens=10000)
    ("load_data batch_size=0", lambda k: k.d2l.load_data_time_machine(0, 5),
     ValueError, "batch_size must be a positive integer; got 0"),
    ("load_data batch_size=2.5", lambda k: k.d2l.load_data_time_machine(2.5, 5),
     TypeError, r"batch_size must be a positive integer; got 2.5 \(float\)"),
    ("load_data batch_size='8'", lambda k: k.d2l.load_data_time_machine("8", 5),
     TypeError, "batch_size must be a positive integer; got '8' "),
    ("load_data batch_size=True", lambda k: k.d2l.load_data_time_machine(True, 5),
     TypeError, "batch_size must be a positive integer; got True"),
    ("load_data num_steps=-1", lambda k: k.d2l.load_data_time_machine(2, -1),
     ValueError, "num_steps must be a positive integer; got -1"),
    ("load_data num_steps=None", lambda k: k.d2l.load_data_time_machine(2, None),
     TypeError, "num_steps must be a positive integer; got None"),
    ("load_data use_random_iter='no'",
     lambda k: k.d2l.load_data_time_machine(2, 5, use_random_iter="no"),
     TypeError, "use_random_iter must be True or False; got 'no'"),
    ("load_data max_tokens=0", lambda k: k.d2l.load_data_time_machine(2, 5, max_tokens=0),
     ValueError, "max_tokens must be a positive integer, or -1 for the whole corpus; got 0"),
    ("load_data max_tokens=1e4", lambda k: k.d2l.load_data_time_machine(2, 5, max_tokens=1e4),
     TypeError, r"max_tokens must be an integer \(-1 for the whole corpus\); got 10000.0"),
    ("load_data corpus shorter than a minibatch",
     lambda k: k.d2l.load_data_time_machine(32, 35, max_tokens=100),
     ValueError, "num_steps=35 with batch_size=32 is too long for a corpus of 100 tokens"),
    ("load_corpus max_tokens='10'", lambda k: k.d2l.load_corpus_time_machine("10"),
     TypeError, "max_tokens must be an integer"),
    # seq_data_iter_random / seq_data_iter_sequential(corpus, batch_size, num_steps)
    *[(f"{fn} {what}", _call(fn, *args), error, match)
      for fn in ("seq_data_iter_random", "seq_data_iter_sequential")
      for what, args, error, match in [
          ("corpus=None", (None, 2, 5), TypeError,
           "corpus must be a list of token indices .*got None"),
          ("corpus a string", ("the time machine " * 9, 2, 5), TypeError,
           "corpus must be a list of token indices"),
          ("corpus of token lists", ([list("the time")] * 40, 2, 5), TypeError,
           r"corpus must be a flat list of token indices; corpus\[0\] is \['t', .*flatten"),
          ("corpus of tokens", (list("the time machine " * 9), 2, 5), TypeError,
           r"corpus\[0\] is 't' \(str\): map tokens to indices first: vocab\[tokens\]"),
          ("batch_size=0", (list(range(35)), 0, 5), ValueError,
           "batch_size must be a positive integer; got 0"),
          ("num_steps=2.5", (list(range(35)), 2, 2.5), TypeError,
           "num_steps must be a positive integer; got 2.5"),
          ("too short", (list(range(35)), 4, 10), ValueError,
           "num_steps=10 with batch_size=4 is too long for a corpus of 35 tokens"),
      ]],
    # tokenize(lines, token='word')
    ("tokenize one string", lambda k: k.d2l.tokenize("the time machine"),
     TypeError, r"lines must be a list of text lines .*got one str 'the time machine': "
                r"pass \[text\] or text.splitlines\(\)"),
    ("tokenize lines=None", lambda k: k.d2l.tokenize(None),
     TypeError, "lines must be a list of text lines .*got None"),
    ("tokenize lines of ints", lambda k: k.d2l.tokenize(["the time", 5]),
     TypeError, r"lines must be a list of text lines \(str\); lines\[1\] is 5 \(int\)"),
    ("tokenize char lines of lists", lambda k: k.d2l.tokenize([["t", "h"]], "char"),
     TypeError, r"lines\[0\] is \['t', 'h'\] \(list\)"),
    ("tokenize token='chr'", lambda k: k.d2l.tokenize(["a b"], "chr"),
     ValueError, "token must be one of 'word', 'char'; got 'chr'"),
    # Vocab(tokens=None, min_freq=0, reserved_tokens=None), vocab[...], to_tokens
    ("Vocab tokens=5", lambda k: k.d2l.Vocab(5),
     TypeError, r"tokens must be a list of tokens or a list of token lists .*got 5 \(int\)"),
    ("Vocab nested token lists", lambda k: k.d2l.Vocab([[["t", "h"]]]),
     TypeError, r"a token is \['t', 'h'\] \(list\), which is not hashable"),
    ("Vocab min_freq='2'", lambda k: k.d2l.Vocab(list("abc"), min_freq="2"),
     TypeError, "min_freq must be a non-negative number; got '2'"),
    ("Vocab min_freq=-1", lambda k: k.d2l.Vocab(list("abc"), min_freq=-1),
     ValueError, "min_freq must be a finite non-negative number; got -1"),
    ("Vocab min_freq=nan", lambda k: k.d2l.Vocab(list("abc"), min_freq=math.nan),
     ValueError, "min_freq must be a finite non-negative number; got nan"),
    ("Vocab reserved_tokens a string",
     lambda k: k.d2l.Vocab(list("abc"), reserved_tokens="<pad>"),
     TypeError, r"reserved_tokens must be a list of tokens, e.g. \['<pad>'\]"),
    ("Vocab reserved_tokens repeated",
     lambda k: k.d2l.Vocab(list("abc"), reserved_tokens=["<pad>", "<pad>"]),
     ValueError, "reserved_tokens has '<pad>' twice"),
    ("Vocab reserved_tokens <unk>",
     lambda k: k.d2l.Vocab(list("abc"), reserved_tokens=["<unk>"]),
     ValueError, "reserved_tokens must not contain '<unk>'"),
    ("Vocab reserved_tokens=5", lambda k: k.d2l.Vocab(list("abc"), reserved_tokens=5),
     TypeError, "reserved_tokens must be a list of tokens; got 5"),
    ("vocab[unhashable]", lambda k: k.vocab[{"a": 1}],
     TypeError, r"vocab\[...\] takes a token or a list/tuple of tokens; got \{'a': 1\}"),
    ("vocab.to_tokens out of range", lambda k: k.vocab.to_tokens(99),
     ValueError, r"to_tokens: 99 is not a token index of this vocabulary \(0 to 27\)"),
    ("vocab.to_tokens negative", lambda k: k.vocab.to_tokens([1, -1]),
     ValueError, "to_tokens: -1 is not a token index"),
    ("vocab.to_tokens a token", lambda k: k.vocab.to_tokens("a"),
     TypeError, "to_tokens takes token indices"),
    # download(name, cache_dir=None)
    ("download name=5", lambda k: k.d2l.download(5),
     TypeError, r"download: name must be a DATA_HUB key .*got 5 \(int\)"),
    ("download unknown name", lambda k: k.d2l.download("time_machne"),
     NotBundledError, "'time_machne' is not in DATA_HUB"),
    ("download cache_dir=3", lambda k: k.d2l.download("time_machine", cache_dir=3),
     TypeError, r"cache_dir must be a path \(str or os.PathLike\); got 3"),
    # RNNModelScratch(vocab_size, num_hiddens, device, get_params, init_state, forward_fn)
    ("RNNModelScratch vocab_size=0", lambda k: k.scratch(vocab_size=0),
     ValueError, "vocab_size must be a positive integer; got 0"),
    ("RNNModelScratch vocab_size='28'", lambda k: k.scratch(vocab_size="28"),
     TypeError, "vocab_size must be a positive integer; got '28'"),
    ("RNNModelScratch num_hiddens=-1", lambda k: k.scratch(num_hiddens=-1),
     ValueError, "num_hiddens must be a positive integer; got -1"),
    ("RNNModelScratch get_params not a function", lambda k: k.scratch(get_params="cpu"),
     TypeError, r"get_params must be a function get_params\(vocab_size, num_hiddens"),
    ("RNNModelScratch init_state not a function", lambda k: k.scratch(init_state=3),
     TypeError, r"init_state must be a function init_state\(batch_size, num_hiddens"),
    ("RNNModelScratch forward_fn not a function", lambda k: k.scratch(forward_fn=[]),
     TypeError, r"forward_fn must be a function forward_fn\(inputs, state, params\)"),
    # RNNModel(rnn_layer, vocab_size)
    ("RNNModel vocab_size=0", lambda k: k.d2l.RNNModel(k.layer(), vocab_size=0),
     ValueError, "vocab_size must be a positive integer; got 0"),
    ("RNNModel vocab_size='28'", lambda k: k.d2l.RNNModel(k.layer(), vocab_size="28"),
     TypeError, "vocab_size must be a positive integer; got '28'"),
    ("RNNModel rnn_layer=None", lambda k: k.d2l.RNNModel(None, vocab_size=V),
     TypeError, "rnn_layer must be a .*RNN layer.*got NoneType"),
    ("RNNModel rnn_layer a class", lambda k: k.d2l.RNNModel(layer_class(k.fw), V),
     TypeError, r"rnn_layer is the class \w+, not a layer: build one first"),
    ("RNNModel rnn_layer a cell", lambda k: k.d2l.RNNModel(a_cell(k.fw), V),
     TypeError, r"rnn_layer must be a .*(RNN layer|not a cell)"),
    # train_ch8(net, train_iter, vocab, lr, num_epochs, device, use_random_iter=False)
    ("train_ch8 lr=0", lambda k: k.train(lr=0), ValueError, "lr must be positive; got 0"),
    ("train_ch8 lr=-1", lambda k: k.train(lr=-1),
     ValueError, "lr must be a finite non-negative number; got -1"),
    ("train_ch8 lr=nan", lambda k: k.train(lr=math.nan),
     ValueError, "lr must be a finite non-negative number; got nan"),
    ("train_ch8 lr='1'", lambda k: k.train(lr="1"),
     TypeError, "lr must be a non-negative number; got '1'"),
    ("train_ch8 lr=1e300", lambda k: k.train(lr=1e300),
     ValueError, r"lr must be at most 3.403e\+38 \(the largest float32"),
    ("train_ch8 num_epochs=0", lambda k: k.train(num_epochs=0),
     ValueError, "num_epochs must be a positive integer; got 0"),
    ("train_ch8 num_epochs=1.5", lambda k: k.train(num_epochs=1.5),
     TypeError, "num_epochs must be a positive integer; got 1.5"),
    ("train_ch8 net=None", lambda k: k.train(net=None),
     TypeError, "net must be a model with begin_state .*got None"),
    ("train_ch8 net a class", lambda k: k.train(net=k.d2l.RNNModel),
     TypeError, "net is the class RNNModel, not a model"),
    ("train_ch8 vocab a string", lambda k: k.train(vocab="abc"),
     TypeError, "vocab must be a d2l.Vocab .*got str"),
    ("train_ch8 vocab of another size", lambda k: k.train(vocab=k.d2l.Vocab(list("ab"))),
     ValueError, "vocab has 3 tokens but the model was built for vocab_size=28"),
    ("train_ch8 train_iter=None", lambda k: k.train(train_iter=None),
     TypeError, r"train_iter must be an iterable of \(X, Y\) minibatches.*got None"),
    ("train_ch8 train_iter=[]", lambda k: k.train(train_iter=[]),
     ValueError, "train_iter yielded no minibatch: it is empty"),
    ("train_ch8 train_iter used up", lambda k: (list(it := used_up(k)), k.train(train_iter=it)),
     ValueError, "train_iter yielded no minibatch"),
    ("train_ch8 a generator for 2 epochs", lambda k: k.train(train_iter=used_up(k),
                                                             num_epochs=2),
     TypeError, "train_iter is a generator, used up after one epoch, and num_epochs=2"),
    ("train_ch8 minibatches not pairs", lambda k: k.train(train_iter=[(1, 2, 3)]),
     TypeError, r"train_iter must yield pairs \(X, Y\) of token indices; its first minibatch "
                "is tuple of 3 items"),
    ("train_ch8 X and Y of two shapes",
     lambda k: k.train(train_iter=k.batches([[1, 2, 3]], [[2, 3]])),
     ValueError, r"one shape \(batch_size, num_steps\).*X \(1, 3\) and Y \(1, 2\)"),
    ("train_ch8 indices of another vocabulary",
     lambda k: k.train(train_iter=word_batches(k)),
     ValueError, "token indices 0 to 27 .*vocab_size=28.*X holds 1 to 2000"),
    ("train_ch8 use_random_iter='yes'", lambda k: k.train(use_random_iter="yes"),
     TypeError, "use_random_iter must be True or False; got 'yes'"),
    # predict_ch8(prefix, num_preds, net, vocab, device)
    ("predict_ch8 prefix=''", lambda k: k.predict(prefix=""),
     ValueError, "prefix must be a non-empty string; got ''"),
    ("predict_ch8 prefix=5", lambda k: k.predict(prefix=5),
     ValueError, "prefix must be a non-empty string; got 5"),
    ("predict_ch8 num_preds=-1", lambda k: k.predict(num_preds=-1),
     ValueError, "num_preds must be a non-negative integer; got -1"),
    ("predict_ch8 num_preds=2.5", lambda k: k.predict(num_preds=2.5),
     TypeError, "num_preds must be a non-negative integer; got 2.5"),
    ("predict_ch8 net=None", lambda k: k.predict(net=None),
     TypeError, "net must be a model with begin_state"),
    ("predict_ch8 vocab of another size", lambda k: k.predict(vocab=k.d2l.Vocab(list("ab"))),
     ValueError, "vocab has 3 tokens but the model was built for vocab_size=28"),
    # grad_clipping(net or grads, theta)
    ("grad_clipping theta=0", lambda k: k.d2l.grad_clipping(k.net, 0),
     ValueError, "theta must be positive; got 0"),
    ("grad_clipping theta=-1", lambda k: k.d2l.grad_clipping(k.net, -1),
     ValueError, "theta must be a finite non-negative number; got -1"),
    ("grad_clipping theta=nan", lambda k: k.d2l.grad_clipping(k.net, math.nan),
     ValueError, "theta must be a finite non-negative number; got nan"),
    ("grad_clipping theta='1'", lambda k: k.d2l.grad_clipping(k.net, "1"),
     TypeError, "theta must be a non-negative number; got '1'"),
]

# What only one framework's signature or layers allow.
OWN: dict[str, list[Probe]] = {
    "torch": [
        ("RNNModel batch_first layer", lambda k: k.d2l.RNNModel(k.layer(batch_first=True), V),
         ValueError, r"rnn_layer must be time-major \(batch_first=False"),
        ("RNNModel layer input_size != vocab_size",
         lambda k: k.d2l.RNNModel(k.layer(input_size=30), V),
         ValueError, r"rnn_layer takes inputs of size 30 but vocab_size is 28: .*"
                     r"nn.RNN\(len\(vocab\), num_hiddens\)"),
        ("train_ch8 device='gpu'", lambda k: k.train(device="gpu"),
         TypeError, "device must be a torch device such as d2l.try_gpu"),
        ("train_ch8 device=cuda:7", lambda k: k.train(device=k.d2l.gpu(7)),
         ValueError, r"device is cuda:7 but torch sees \d+ GPU\(s\): use d2l.try_gpu\(\)"),
        ("predict_ch8 device=3.5", lambda k: k.predict(device=3.5),
         TypeError, "device must be a torch device"),
        ("grad_clipping net=None", lambda k: k.d2l.grad_clipping(None, 1),
         TypeError, r"net must be a model \(an nn.Module, or a scratch model with .params\)"),
    ],
    "mxnet": [
        ("RNNModel NTC layer", lambda k: k.d2l.RNNModel(k.layer(layout="NTC"), V),
         ValueError, r"rnn_layer must be time-major \(layout='TNC'"),
        ("train_ch8 device='cpu'", lambda k: k.train(device="cpu"),
         TypeError, "device must be an MXNet context such as d2l.try_gpu"),
        ("train_ch8 device=gpu(7)", lambda k: k.train(device=k.d2l.gpu(7)),
         ValueError, r"device is gpu\(7\) but MXNet sees \d+ GPU\(s\)"),
        ("predict_ch8 device='cpu'", lambda k: k.predict(device="cpu"),
         TypeError, "device must be an MXNet context"),
        ("grad_clipping net=None", lambda k: k.d2l.grad_clipping(None, 1),
         TypeError, r"net must be a model \(a Gluon Block, or a scratch model"),
    ],
    "tensorflow": [
        ("RNNModel layer without return_state",
         lambda k: k.d2l.RNNModel(k.layer(return_state=False), V),
         ValueError, "rnn_layer must be built with return_sequences=True and "
                     "return_state=True .*it has return_state=False"),
        ("RNNModelScratch in the PyTorch tab's order",
         lambda k: k.d2l.RNNModelScratch(V, H, k.device, k.noop, k.noop),
         TypeError, r"init_state must be a function init_state\(batch_size, num_hiddens\)"),
        ("train_ch8 strategy a device name", lambda k: k.train(device="/CPU:0"),
         TypeError, "strategy must be a tf.distribute.Strategy"),
        ("grad_clipping grads=None", lambda k: k.d2l.grad_clipping(None, 1),
         TypeError, r"grads must be a list of gradients \(tape.gradient"),
        ("grad_clipping grads=[]", lambda k: k.d2l.grad_clipping([], 1),
         ValueError, "grads is empty"),
        ("grad_clipping a None gradient",
         lambda k: k.d2l.grad_clipping([k.d2l.ones((2,)), None], 1),
         ValueError, r"grads\[1\] is None: the loss does not depend on that parameter"),
    ],
    "jax": [
        ("RNNModel batch-major layer", lambda k: k.d2l.RNNModel(k.layer(time_major=False), V),
         ValueError, "rnn_layer must be built with time_major=True and return_carry=True .*"
                     "it has time_major=False"),
        ("RNNModel layer without carry", lambda k: k.d2l.RNNModel(k.layer(return_carry=False),
                                                                  V),
         ValueError, "it has return_carry=False"),
    ],
}


def _ids(probes: list[Probe]) -> list[str]:
    return [p[0] for p in probes]


@pytest.mark.parametrize("what, probe, error, match", PROBES, ids=_ids(PROBES))
def test_bad_input(kit, what, probe, error, match, capsys):
    with pytest.raises(error, match=match):
        probe(kit)
    assert "perplexity" not in capsys.readouterr().out  # nothing trained


OWN_PROBES = [(fw, *p) for fw, probes in OWN.items() for p in probes]


@pytest.mark.parametrize("fw, what, probe, error, match", OWN_PROBES,
                         ids=[f"{p[0]}-{p[1]}" for p in OWN_PROBES])
def test_bad_input_own_to_a_framework(fw, what, probe, error, match):
    if fw == "torch" and "cuda:7" in what:
        import torch
        if torch.cuda.device_count() > 7:
            pytest.skip("this machine has 8 GPUs")
    if fw not in _KITS:
        _KITS[fw] = Kit(fw)
    with pytest.raises(error, match=match):
        probe(_KITS[fw])


def test_train_ch8_that_diverges_says_so(kit, capsys):
    """lr=1e9: the loss overflows (NaN on MXNet); the issue's OverflowError from math.exp
    becomes TrainingDivergedError (a FloatingPointError) naming the epoch and lr."""
    net = kit.model()
    with pytest.raises(TrainingDivergedError, match=(
            r"training diverged: (perplexity|loss) is (inf|nan) at minibatch \d+ \(of \d+\) "
            r"\(loss .*\) in epoch 1 \(of 1\). The gradients exploded: train with a smaller "
            r"lr \(now 1e\+09; the book's is 1\)")):
        kit.train(net=net, lr=1e9)
    assert "perplexity" not in capsys.readouterr().out  # no result line printed for it
    assert issubclass(TrainingDivergedError, FloatingPointError)


def test_valid_input_next_to_the_checks(kit, capsys, monkeypatch):
    """What the checks let through: NumPy integers, 0/1 and NumPy bools for a flag, -1 for
    all tokens, generators of tokens, a generator for one epoch. And a short run trains, with
    the argument checks run once per call and the first-minibatch check once per epoch, never
    per minibatch (only the divergence check reads every minibatch's loss, which the loop
    keeps anyway)."""
    from d2lrnn.classic import train

    d2l = kit.d2l
    it, vocab = d2l.load_data_time_machine(np.int64(2), np.int32(5), use_random_iter=1,
                                           max_tokens=np.int64(60))
    assert it.use_random_iter is True and len(vocab) == V and len(it.corpus) == 60
    assert d2l.load_data_time_machine(2, 5, np.bool_(False), max_tokens=60)[0].use_random_iter \
        is False
    assert len(d2l.load_corpus_time_machine(-1)[0]) == 170580
    assert d2l.Vocab(c for c in "aab").idx_to_token == ["<unk>", "a", "b"]
    assert d2l.Vocab([("a", "b"), ("a", "b")], min_freq=1.5).token_freqs == [(("a", "b"), 2)]
    assert d2l.tokenize(("the time", "machine"), "char")[1] == list("machine")
    assert vocab.to_tokens(np.int64(1)) == vocab.idx_to_token[1]
    assert len(list(d2l.seq_data_iter_sequential(np.arange(35), 2, 5))) >= 2
    train.check_train_iter(used_up(kit), 1)  # a generator serves one epoch

    calls = SimpleNamespace(batch=0, net=0)
    check_minibatch, check_net = train.check_minibatch, train.check_net

    def count_batch(*args: Any) -> None:
        calls.batch += 1
        check_minibatch(*args)

    def count_net(*args: Any) -> Any:
        calls.net += 1
        return check_net(*args)

    monkeypatch.setattr(train, "check_minibatch", count_batch)
    monkeypatch.setattr(train, "check_net", count_net)
    monkeypatch.delenv("D2LRNN_MAX_EPOCHS", raising=False)
    kit.train(net=kit.model(), num_epochs=2)
    assert len(kit.train_iter) > 2
    assert calls.batch == 2  # one per epoch
    assert calls.net == 3  # train_ch8 once, and its two predictions at the end
    out = capsys.readouterr().out
    assert "perplexity" in out and "tokens/sec" in out
    text = kit.predict("time", 5)
    assert text.startswith("time") and len(text) >= 9  # 5 tokens ("<unk>" is one)
