"""Run by tests/test_placement.py in a fresh process: train a few steps with the Trainer's device
set to a second device (a second CPU device, or GPU 0 with --gpu), and on the default device;
print where parameters, gradients and batches live, and both loss trajectories, as JSON."""

import importlib
import json
import sys

backend, use_gpu = sys.argv[1], "--gpu" in sys.argv
hooks = importlib.import_module(f"backend_hooks.{backend}")
d2l = importlib.import_module(f"d2lrnn.{backend}")
device = hooks.second_device(d2l)
if device is None:
    print(json.dumps({"skip": f"{backend}: no second device without a GPU"}))
    sys.exit(0)


def run(dev):
    d2l.seed(0)
    data = d2l.TimeMachine(batch_size=64, num_steps=8, num_train=256, num_val=64)
    with hooks.device_scope(dev) if dev is not None else hooks.device_scope(None):
        rnn = d2l.RNNScratch(num_inputs=len(data.vocab), num_hiddens=16)
        model = d2l.RNNLMScratch(rnn, vocab_size=len(data.vocab), lr=1)
    trainer = d2l.Trainer(max_epochs=1, gradient_clip_val=1, num_gpus=1 if use_gpu else 0)
    if dev is not None:
        trainer.gpus = [dev]  # what find_gpus returns on a machine with that device
    trainer.setup(model, data)
    batch = trainer.prepare_batch(next(iter(trainer.train_dataloader)))
    out = {"batch": sorted({hooks.where(a) for a in batch}),
           "params": sorted(hooks.param_devices(trainer))}
    losses = []
    for b in trainer.train_dataloader:
        losses.append(float(trainer.fit_batch(trainer.prepare_batch(b))))
        trainer.train_batch_idx += 1
    out["params_after"] = sorted(hooks.param_devices(trainer))
    out["grads"] = sorted(hooks.grad_devices(trainer))
    out["losses"] = losses
    out["text"] = model.predict("it has", 10, data.vocab)
    return out


placed = run(device)
default = run(None)
print(json.dumps({"device": hooks.where_name(device) if hasattr(hooks, "where_name")
                  else str(device), "placed": placed, "default": default}))
