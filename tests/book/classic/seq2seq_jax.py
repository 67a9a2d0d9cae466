"""The book's (older edition) section 'seq2seq', JAX version (the edition has no JAX tab), written
for d2lrnn after the pytorch tab: Flax linen modules (``nn.Embed``; Flax's ``nn.RNN`` over
``nn.GRUCell``, one per layer), ``d2l.EncoderDecoder`` holding their parameters, a jitted Optax
Adam update."""
# ruff: noqa
def _show(value):  # what a notebook shows for a cell ending in an expression
    if value is not None:
        print(repr(value))


# %% cell 1
import collections
from d2lrnn.classic import jax as d2l
import functools
import math
import jax
from jax import numpy as jnp
from flax import linen as nn
import optax


# %% cell 2
#@save
class Seq2SeqEncoder(d2l.Encoder):
    """The RNN encoder for sequence to sequence learning."""
    vocab_size: int
    embed_size: int
    num_hiddens: int
    num_layers: int
    dropout: float = 0

    def setup(self):
        # Embedding layer
        self.embedding = nn.Embed(self.vocab_size, self.embed_size)
        # A multilayer GRU: one time-major Flax RNN over a GRU cell per layer
        self.rnn = [nn.RNN(nn.GRUCell(self.num_hiddens), time_major=True,
                           return_carry=True) for _ in range(self.num_layers)]
        self.drop = nn.Dropout(self.dropout)

    def __call__(self, X, *args, training=False):
        # The output `X` shape: (`batch_size`, `num_steps`, `embed_size`)
        X = self.embedding(X.astype(jnp.int32))
        # In RNN models, the first axis corresponds to time steps
        X = X.transpose(1, 0, 2)
        # When state is not mentioned, it defaults to zeros
        state = []
        for i, layer in enumerate(self.rnn):
            if i > 0:  # Dropout between layers, as in PyTorch's `nn.GRU`
                X = self.drop(X, deterministic=not training)
            H, X = layer(X)
            state.append(H)
        # `output` shape: (`num_steps`, `batch_size`, `num_hiddens`)
        # `state` shape: (`num_layers`, `batch_size`, `num_hiddens`)
        return X, jnp.stack(state)


# %% cell 3
encoder = Seq2SeqEncoder(vocab_size=10, embed_size=8, num_hiddens=16,
                         num_layers=2)
X = d2l.zeros((4, 7), dtype=jnp.int32)
params = encoder.init(d2l.get_key(), X)
output, state = encoder.apply(params, X)
_show((output.shape))


# %% cell 4
_show((state.shape))


# %% cell 5
class Seq2SeqDecoder(d2l.Decoder):
    """The RNN decoder for sequence to sequence learning."""
    vocab_size: int
    embed_size: int
    num_hiddens: int
    num_layers: int
    dropout: float = 0

    def setup(self):
        self.embedding = nn.Embed(self.vocab_size, self.embed_size)
        self.rnn = [nn.RNN(nn.GRUCell(self.num_hiddens), time_major=True,
                           return_carry=True) for _ in range(self.num_layers)]
        self.drop = nn.Dropout(self.dropout)
        self.dense = nn.Dense(self.vocab_size)

    def init_state(self, enc_outputs, *args):
        return enc_outputs[1]

    def __call__(self, X, state, training=False):
        # The output `X` shape: (`num_steps`, `batch_size`, `embed_size`)
        X = self.embedding(X.astype(jnp.int32)).transpose(1, 0, 2)
        # Broadcast `context` so it has the same `num_steps` as `X`
        context = jnp.tile(state[-1], (X.shape[0], 1, 1))
        output = d2l.concat((X, context), 2)
        new_state = []
        for i, layer in enumerate(self.rnn):  # each layer starts from its state
            if i > 0:
                output = self.drop(output, deterministic=not training)
            H, output = layer(output, initial_carry=state[i])
            new_state.append(H)
        output = self.dense(output).transpose(1, 0, 2)
        # `output` shape: (`batch_size`, `num_steps`, `vocab_size`)
        # `state` shape: (`num_layers`, `batch_size`, `num_hiddens`)
        return output, jnp.stack(new_state)


# %% cell 6
decoder = Seq2SeqDecoder(vocab_size=10, embed_size=8, num_hiddens=16,
                         num_layers=2)
state = decoder.init_state(encoder.apply(params, X))
dec_params = decoder.init(d2l.get_key(), X, state)
output, state = decoder.apply(dec_params, X, state)
_show((output.shape, state.shape))


# %% cell 7
#@save
def sequence_mask(X, valid_len, value=0):
    """Mask irrelevant entries in sequences."""
    maxlen = X.shape[1]
    mask = jnp.arange((maxlen), dtype=jnp.float32)[None, :] < valid_len[:, None]
    # A mask for every entry of a step (also over trailing axes)
    mask = mask.reshape(mask.shape + (1,) * (X.ndim - 2))
    return jnp.where(mask, X, value)

X = jnp.array([[1, 2, 3], [4, 5, 6]])
_show((sequence_mask(X, jnp.array([1, 2]))))


# %% cell 8
X = d2l.ones((2, 3, 4))
_show((sequence_mask(X, jnp.array([1, 2]), value=-1)))


# %% cell 9
#@save
class MaskedSoftmaxCELoss:
    """The softmax cross-entropy loss with masks."""
    # `pred` shape: (`batch_size`, `num_steps`, `vocab_size`)
    # `label` shape: (`batch_size`, `num_steps`)
    # `valid_len` shape: (`batch_size`,)
    def __call__(self, pred, label, valid_len):
        weights = jnp.ones_like(label, dtype=jnp.float32)
        weights = sequence_mask(weights, valid_len)
        unweighted_loss = optax.softmax_cross_entropy_with_integer_labels(
            pred, label)
        weighted_loss = (unweighted_loss * weights).mean(axis=1)
        return weighted_loss


# %% cell 10
loss = MaskedSoftmaxCELoss()
_show((loss(d2l.ones((3, 4, 10)), d2l.ones((3, 4), dtype=jnp.int32),
     jnp.array([4, 2, 0]))))


# %% cell 11
#@save
def train_seq2seq(net, data_iter, lr, num_epochs, tgt_vocab, device):
    """Train a model for sequence to sequence."""
    def xavier_init_weights(path, param):
        # The weights of the dense layers, also those inside the GRU cells
        if path[-1].key == 'kernel':
            return nn.initializers.xavier_uniform()(d2l.get_key(), param.shape)
        return param
    net.params = jax.tree_util.tree_map_with_path(xavier_init_weights, net.params)
    optimizer = optax.adam(lr)
    opt_state = optimizer.init(net.params)
    loss = MaskedSoftmaxCELoss()

    @jax.jit
    def update(params, opt_state, X, X_valid_len, dec_input, Y, Y_valid_len, key):
        def loss_fn(params):
            Y_hat, _ = net.apply(params, X, dec_input, X_valid_len,
                                 training=True, key=key)
            l = loss(Y_hat, Y, Y_valid_len)
            return l.sum(), l  # Make the loss scalar for `grad`
        grads, l = jax.grad(loss_fn, has_aux=True)(params)
        grads = d2l.grad_clipping(grads, 1)
        updates, opt_state = optimizer.update(grads, opt_state)
        return optax.apply_updates(params, updates), opt_state, l

    animator = d2l.Animator(xlabel='epoch', ylabel='loss',
                            xlim=[10, num_epochs])
    for epoch in range(num_epochs):
        timer = d2l.Timer()
        metric = d2l.Accumulator(2)  # Sum of training loss, no. of tokens
        for batch in data_iter:
            X, X_valid_len, Y, Y_valid_len = [jax.device_put(x, device) for x in batch]
            bos = jnp.array([tgt_vocab['<bos>']] * Y.shape[0]).reshape(-1, 1)
            dec_input = d2l.concat([bos, Y[:, :-1]], 1)  # Teacher forcing
            net.params, opt_state, l = update(
                net.params, opt_state, X, X_valid_len, dec_input, Y, Y_valid_len,
                d2l.get_key())
            num_tokens = Y_valid_len.sum()
            metric.add(l.sum(), num_tokens)
        if (epoch + 1) % 10 == 0:
            animator.add(epoch + 1, (metric[0] / metric[1],))
    print(f'loss {metric[0] / metric[1]:.3f}, {metric[1] / timer.stop():.1f} '
          f'tokens/sec on {str(device)}')


# %% cell 12
embed_size, num_hiddens, num_layers, dropout = 32, 32, 2, 0.1
batch_size, num_steps = 64, 10
lr, num_epochs, device = 0.005, 300, d2l.try_gpu()

train_iter, src_vocab, tgt_vocab = d2l.load_data_nmt(batch_size, num_steps)
encoder = Seq2SeqEncoder(
    len(src_vocab), embed_size, num_hiddens, num_layers, dropout)
decoder = Seq2SeqDecoder(
    len(tgt_vocab), embed_size, num_hiddens, num_layers, dropout)
net = d2l.EncoderDecoder(encoder, decoder)
_show((train_seq2seq(net, train_iter, lr, num_epochs, tgt_vocab, device)))


# %% cell 13
@functools.cache
def compiled(net):
    """The encoder's and the decoder's `apply`, compiled once per model (applied
    eagerly, a Flax RNN compiles its loop at every call)."""
    return (jax.jit(net.encoder.apply),
            jax.jit(functools.partial(net.decoder.apply, mutable='intermediates')))

#@save
def predict_seq2seq(net, src_sentence, src_vocab, tgt_vocab, num_steps,
                    device, save_attention_weights=False):
    """Predict for sequence to sequence."""
    encode, decode = compiled(net)
    src_tokens = src_vocab[src_sentence.lower().split(' ')] + [
        src_vocab['<eos>']]
    enc_valid_len = jax.device_put(jnp.array([len(src_tokens)]), device)
    src_tokens = d2l.truncate_pad(src_tokens, num_steps, src_vocab['<pad>'])
    # Add the batch axis
    enc_X = jax.device_put(jnp.expand_dims(
        jnp.array(src_tokens, dtype=jnp.int32), axis=0), device)
    enc_outputs = encode(net.params['encoder'], enc_X, enc_valid_len)
    dec_state = net.decoder.init_state(enc_outputs, enc_valid_len)
    # Add the batch axis
    dec_X = jax.device_put(jnp.expand_dims(
        jnp.array([tgt_vocab['<bos>']], dtype=jnp.int32), axis=0), device)
    output_seq, attention_weight_seq = [], []
    for _ in range(num_steps):
        # The decoder's intermediates hold what it sows (attention weights)
        (Y, dec_state), variables = decode(net.params['decoder'], dec_X, dec_state)
        # We use the token with the highest prediction likelihood as the input
        # of the decoder at the next time step
        dec_X = Y.argmax(axis=2)
        pred = int(dec_X.squeeze(axis=0)[0])
        # Save attention weights (to be covered later)
        if save_attention_weights:
            attention_weight_seq.append(
                variables['intermediates']['attention_weights'][-1])
        # Once the end-of-sequence token is predicted, the generation of the
        # output sequence is complete
        if pred == tgt_vocab['<eos>']:
            break
        output_seq.append(pred)
    return ' '.join(tgt_vocab.to_tokens(output_seq)), attention_weight_seq


# %% cell 14
def bleu(pred_seq, label_seq, k):  #@save
    """Compute the BLEU."""
    pred_tokens, label_tokens = pred_seq.split(' '), label_seq.split(' ')
    len_pred, len_label = len(pred_tokens), len(label_tokens)
    score = math.exp(min(0, 1 - len_label / len_pred))
    for n in range(1, k + 1):
        num_matches, label_subs = 0, collections.defaultdict(int)
        for i in range(len_label - n + 1):
            label_subs[' '.join(label_tokens[i: i + n])] += 1
        for i in range(len_pred - n + 1):
            if label_subs[' '.join(pred_tokens[i: i + n])] > 0:
                num_matches += 1
                label_subs[' '.join(pred_tokens[i: i + n])] -= 1
        score *= math.pow(num_matches / (len_pred - n + 1), math.pow(0.5, n))
    return score


# %% cell 15
engs = ['go .', "i lost .", 'he\'s calm .', 'i\'m home .']
fras = ['va !', 'j\'ai perdu .', 'il est calme .', 'je suis chez moi .']
for eng, fra in zip(engs, fras):
    translation, attention_weight_seq = predict_seq2seq(
        net, eng, src_vocab, tgt_vocab, num_steps, device)
    print(f'{eng} => {translation}, bleu {bleu(translation, fra, k=2):.3f}')
