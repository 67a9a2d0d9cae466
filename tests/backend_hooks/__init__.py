"""What the tests do differently per framework, one file per backend with the same functions
(the tests themselves never branch on a backend's name):

    run_rnn(d2l, rnn, X) -> (outputs, state)      call an RNN on inputs (JAX: init_with_output)
    run_lm(d2l, model, tokens) -> logits          call an LM on tokens
    token_dtype(d2l)                               the integer dtype the tab's one_hot takes
    classifier_validation_step(d2l, model, trainer, batch)   Classifier's step, as the tab calls it
    skip_clipping(d2l, monkeypatch)                fault injections for the parity tests
    summed_loss(d2l, monkeypatch)
    batch_major(d2l, monkeypatch)
"""
