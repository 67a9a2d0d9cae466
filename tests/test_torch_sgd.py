"""torch's SGD: torch.optim.SGD's numbers, without importing torch._dynamo (its first-use cost)."""

from __future__ import annotations

import subprocess
import sys

import torch

import d2lrnn.torch as d2l


def test_same_numbers_as_torch_optim_sgd():
    torch.manual_seed(0)
    a = torch.nn.Parameter(torch.randn(5, 3))
    b = torch.nn.Parameter(a.detach().clone())
    ours, theirs = d2l.SGD([a], lr=0.37), torch.optim.SGD([b], lr=0.37)
    for step in range(5):
        for p, opt in ((a, ours), (b, theirs)):
            opt.zero_grad()
            ((p ** 3).sum() * (step + 1)).backward()
            opt.step()
        assert torch.equal(a, b)


def test_training_imports_no_dynamo():
    code = ("import sys\nimport d2lrnn.torch as d2l\n"
            "data = d2l.TimeMachine(batch_size=32, num_steps=4, num_train=64, num_val=32)\n"
            "rnn = d2l.RNNScratch(num_inputs=len(data.vocab), num_hiddens=8)\n"
            "model = d2l.RNNLMScratch(rnn, vocab_size=len(data.vocab), lr=1)\n"
            "d2l.Trainer(max_epochs=1, gradient_clip_val=1).fit(model, data)\n"
            "print('torch._dynamo' in sys.modules)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=300)
    assert out.stdout.split()[-1:] == ["False"], out.stderr[-2000:]
