"""PyTorch's nn.RNN / nn.LSTM on the same problem, for comparison (torch is optional).

The same weights are copied into the torch module (torch stacks the LSTM gates in
the order i, f, g, o and keeps separate input and hidden weights), so torch computes
the same function as rnnbook and its results are checked against rnnbook's. The
loss is the same, sum(a * da): its gradient with respect to the hidden states is
``da``, passed to ``backward``. Torch computes the gradients of every weight, of the
inputs x and of the initial state, as rnnbook does; it does not run rnnbook's
softmax output layer (2 classes, about 1% of the work).

Inputs are given to torch in its own (T_x, m, n) layout, converted before the
timing: that is torch's native interface, as (n, m, T_x) is rnnbook's. rnnbook.fused
converts to and from its internal time-major layout inside its timed calls.
"""

import numpy as np


def available():
    """torch's version string, or None when torch cannot be imported."""
    try:
        import torch
    except ImportError:
        return None
    return torch.__version__


def _copy_weights(net, model, parameters, n_a):
    import torch

    if model == "lstm":
        order = "ifco"  # torch's gate order: input (update), forget, cell (candidate), output
        w = np.concatenate([parameters["W" + g] for g in order])  # (4 n_a, n_a + n_x)
        b = np.concatenate([parameters["b" + g][:, 0] for g in order])
    else:
        w = np.concatenate([parameters["Waa"], parameters["Wax"]], axis=1)
        b = parameters["ba"][:, 0]
    with torch.no_grad():
        net.weight_hh_l0.copy_(torch.from_numpy(np.ascontiguousarray(w[:, :n_a])))
        net.weight_ih_l0.copy_(torch.from_numpy(np.ascontiguousarray(w[:, n_a:])))
        net.bias_ih_l0.copy_(torch.from_numpy(b))
        net.bias_hh_l0.zero_()


def torch_runner(model, problem, threads):
    """Forward + backward of torch's module; returns rnnbook-shaped a, dx and da0."""
    import torch

    torch.set_num_threads(threads)
    x, a0, parameters, da = (problem[k] for k in ("x", "a0", "parameters", "da"))
    dtype = torch.float32 if x.dtype == np.float32 else torch.float64
    n_x, n_a = x.shape[0], a0.shape[0]
    module = torch.nn.LSTM if model == "lstm" else torch.nn.RNN
    net = module(n_x, n_a, batch_first=False).to(dtype)
    _copy_weights(net, model, parameters, n_a)
    xs = torch.from_numpy(np.ascontiguousarray(x.transpose(2, 1, 0))).requires_grad_()
    h0 = torch.from_numpy(np.ascontiguousarray(a0.T)[None]).requires_grad_()  # (1, m, n_a)
    state = (h0, torch.zeros_like(h0)) if model == "lstm" else h0
    dout = torch.from_numpy(np.ascontiguousarray(da.transpose(2, 1, 0)))

    def run():
        net.zero_grad(set_to_none=True)
        xs.grad = h0.grad = None
        out, _ = net(xs, state)
        out.backward(dout)
        a = out.detach().numpy().transpose(2, 1, 0)
        grads = {"dx": xs.grad.numpy().transpose(2, 1, 0), "da0": h0.grad[0].numpy().T}
        return [a], grads

    return run
