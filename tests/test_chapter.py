"""The chapter's shared names on every backend: LinearRegression on each framework's own layer
and optimizer, get_tensorloader on each framework's tensors, the TimeMachine the book's
language-model section redefines, the offline download, and the plot exports."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

from d2lrnn.core.download import DATA_URL, NotBundledError, download


def sine_data(d2l, T: int = 200, tau: int = 4):
    """The sequence section's data (a sine plus noise), as the backend's tensors."""
    class Data(d2l.DataModule):
        def __init__(self, batch_size=16, T=T, num_train=120, tau=tau):
            self.save_hyperparameters()
            rng = np.random.default_rng(0)
            x = np.sin(0.05 * np.arange(1, T + 1)) + rng.normal(0, 0.1, T)
            self.x = d2l.tensor(x.astype(np.float32))

        def get_dataloader(self, train):
            features = [self.x[i: self.T - self.tau + i] for i in range(self.tau)]
            self.features = d2l.stack(features, 1)
            self.labels = d2l.reshape(self.x[self.tau:], (-1, 1))
            i = slice(0, self.num_train) if train else slice(self.num_train, None)
            return self.get_tensorloader([self.features, self.labels], train, i)
    return Data()


def test_linear_regression_trains(d2l, hooks):
    d2l.seed(0)
    data = sine_data(d2l)
    model = d2l.LinearRegression(lr=0.05)
    trainer = d2l.Trainer(max_epochs=4)
    trainer.fit(model, data)
    losses = [row["loss"] for row in trainer.metrics]
    assert losses[-1] < 0.5 * losses[0], losses
    assert "val_loss" in trainer.metrics[-1]
    # the board got the Module.plot points of both curves, over the epochs run
    history = model.board.history()
    assert set(history) == {"train_loss", "val_loss"}
    assert model.board.xlim == [0, 4]
    # its weights are the framework layer's and they moved away from N(0, 0.01)
    w, b = hooks.get_w_b(d2l, model, trainer)
    assert np.abs(w).sum() > 0.1


def test_tensorflow_module_tracks_keras_layers():
    import keras

    from d2lrnn import tensorflow as d2l
    model = d2l.LinearRegression(lr=0.1)
    model.net(np.zeros((2, 3), np.float32))
    assert [tuple(v.shape) for v in model.trainable_variables] == [(3, 1), (1,)]
    # layers in lists and sub-modules count too; each weight once
    class Two(d2l.Module):
        def __init__(self):
            super().__init__()
            self.layers = [keras.layers.Dense(2), keras.layers.Dense(2)]
            self.inner = model
            self.again = model.net
    two = Two()
    for layer in two.layers:
        layer(np.zeros((1, 2), np.float32))
    assert len(two.trainable_variables) == 6


def test_get_tensorloader_takes_framework_tensors(backend, d2l):
    data = sine_data(d2l)
    X, Y = next(iter(data.get_dataloader(train=False)))
    assert tuple(X.shape) == (16, 4) and tuple(Y.shape) == (16, 1)
    np.testing.assert_allclose(np.asarray(d2l.numpy(Y)).ravel(),
                               np.asarray(d2l.numpy(data.x))[4 + 120:4 + 136], rtol=1e-6)


def test_book_timemachine_redefinition(backend, d2l):
    """The language-model section's cells, on a fresh subclass so the backend stays intact."""
    assert d2l.TimeMachine.__mro__[1] is d2l.DataModule
    TM = type("TimeMachine", (d2l.TimeMachine,), {})

    def __init__(self, batch_size, num_steps, num_train=100, num_val=50):
        super(TM, self).__init__()
        self.save_hyperparameters()
        corpus, self.vocab = self.build(self._download())
        array = d2l.tensor([corpus[i:i + num_steps + 1] for i in range(200)])
        self.X, self.Y = array[:, :-1], array[:, 1:]
    TM.__init__ = __init__
    data = TM(batch_size=2, num_steps=10)
    X, Y = next(iter(data.train_dataloader()))
    assert tuple(X.shape) == (2, 10) and len(data.vocab) == 28
    np.testing.assert_array_equal(np.asarray(d2l.numpy(X))[:, 1:],
                                  np.asarray(d2l.numpy(Y))[:, :-1])


def test_timemachine_without_arguments(d2l):
    data = d2l.TimeMachine()
    raw = data._download()
    assert raw[:60].startswith("The Time Machine, by H. G. Wells")
    corpus, vocab = data.build(raw)
    assert (len(corpus), len(vocab)) == (173428, 28)
    with pytest.raises(ValueError, match="no batches"):
        data.train_dataloader()


def test_download_is_offline(tmp_path):
    folder = tmp_path / "data"
    path = download(DATA_URL + "timemachine.txt", str(folder),
                    "090b5e7e70c295757f55df93cb0a180b9691891a")
    assert path.endswith("timemachine.txt") and not folder.exists()
    with pytest.raises(NotBundledError, match="not bundled"):
        download(DATA_URL + "kaggle_house_pred_train.csv", str(folder))
    assert not folder.exists()
    # the machine-translation data is bundled: download names it and writes nothing
    assert download(DATA_URL + "fra-eng.zip", str(folder)).endswith("fra-eng.zip")
    assert not folder.exists()
    with pytest.raises(ValueError, match="sha1_hash"):
        download(DATA_URL + "timemachine.txt", str(folder), "0" * 40)


def test_plot_exports_without_importing_matplotlib(backend, hooks):
    code = (f"import sys; import d2lrnn.{backend} as d2l; "
            "print('matplotlib' in sys.modules); print(d2l.plt.__name__); "
            "print(callable(d2l.plot) and callable(d2l.set_figsize))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         env={**__import__("os").environ, "MPLBACKEND": "Agg"}, timeout=300)
    lines = out.stdout.split()
    assert lines[-2:] == ["matplotlib.pyplot", "True"], out.stderr[-2000:]
    if not hooks.FRAMEWORK_IMPORTS_MATPLOTLIB:
        assert lines[0] == "False"
