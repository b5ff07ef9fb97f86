r"""LSTM gate derivatives, one function per quantity.

Each function returns the gradient of the loss with respect to one quantity of a
single LSTM step. For the gates and the candidate this is the gradient with
respect to the *pre-activation* (the argument of :math:`\sigma` or :math:`\tanh`),
which is what the weight and bias gradients need. All arrays are ``(n_a, m)``.

The course notebook misprints equations (8)-(10); these are the correct forms, and
the book's Errata appendix shows the difference by execution.
"""

import numpy as np

from ._validate import check_alike


def cell_state_grad(da_next, dc_next, c_next, ot):
    r"""Total gradient reaching the cell state :math:`c^{\langle t \rangle}`.

    Parameters
    ----------
    da_next : ndarray, shape (n_a, m)
        Gradient with respect to :math:`a^{\langle t \rangle}`.
    dc_next : ndarray, shape (n_a, m)
        Gradient with respect to :math:`c^{\langle t \rangle}` arriving from step t+1.
    c_next : ndarray, shape (n_a, m)
        Cell state :math:`c^{\langle t \rangle}`.
    ot : ndarray, shape (n_a, m)
        Output gate :math:`\Gamma_o^{\langle t \rangle}`.

    Returns
    -------
    dc : ndarray, shape (n_a, m)

    Notes
    -----
    :math:`c^{\langle t \rangle}` reaches the loss along two paths: directly to step
    t+1, and through :math:`a^{\langle t \rangle} = \Gamma_o \tanh(c^{\langle t \rangle})`:

    .. math:: dc = dc_{next} + \Gamma_o \left(1 - \tanh^2(c_{next})\right) da_{next}

    Examples
    --------
    >>> import numpy as np
    >>> from rnnbook.gates import cell_state_grad
    >>> cell_state_grad(np.ones((1, 1)), np.zeros((1, 1)), np.zeros((1, 1)), np.full((1, 1), 0.5))
    array([[0.5]])
    """
    da_next, dc_next, c_next, ot = check_alike("(n_a, m)", da_next=da_next, dc_next=dc_next, c_next=c_next, ot=ot)
    return dc_next + ot * (1 - np.tanh(c_next) ** 2) * da_next


def output_gate_grad(da_next, c_next, ot):
    r"""Gradient with respect to the output gate's pre-activation.

    Parameters
    ----------
    da_next : ndarray, shape (n_a, m)
        Gradient with respect to :math:`a^{\langle t \rangle}`.
    c_next : ndarray, shape (n_a, m)
        Cell state :math:`c^{\langle t \rangle}`.
    ot : ndarray, shape (n_a, m)
        Output gate :math:`\Gamma_o^{\langle t \rangle}`.

    Returns
    -------
    dot : ndarray, shape (n_a, m)

    Notes
    -----
    .. math:: d\Gamma_o = da_{next} \tanh(c_{next}) \, \Gamma_o (1 - \Gamma_o)

    Examples
    --------
    >>> import numpy as np
    >>> from rnnbook.gates import output_gate_grad
    >>> output_gate_grad(np.ones((1, 1)), np.full((1, 1), 100.0), np.full((1, 1), 0.5))
    array([[0.25]])
    """
    da_next, c_next, ot = check_alike("(n_a, m)", da_next=da_next, c_next=c_next, ot=ot)
    return da_next * np.tanh(c_next) * ot * (1 - ot)


def candidate_grad(dc, it, cct):
    r"""Gradient with respect to the candidate's pre-activation.

    Parameters
    ----------
    dc : ndarray, shape (n_a, m)
        Total gradient at the cell state, from :func:`cell_state_grad`.
    it : ndarray, shape (n_a, m)
        Update gate :math:`\Gamma_u^{\langle t \rangle}`.
    cct : ndarray, shape (n_a, m)
        Candidate :math:`\tilde c^{\langle t \rangle}`.

    Returns
    -------
    dcct : ndarray, shape (n_a, m)

    Notes
    -----
    .. math:: d\tilde c = dc \, \Gamma_u \left(1 - \tilde c^{\,2}\right)

    Examples
    --------
    >>> import numpy as np
    >>> from rnnbook.gates import candidate_grad
    >>> candidate_grad(np.ones((1, 1)), np.full((1, 1), 0.5), np.zeros((1, 1)))
    array([[0.5]])
    """
    dc, it, cct = check_alike("(n_a, m)", dc=dc, it=it, cct=cct)
    return dc * it * (1 - cct**2)


def update_gate_grad(dc, it, cct):
    r"""Gradient with respect to the update gate's pre-activation.

    Parameters
    ----------
    dc : ndarray, shape (n_a, m)
        Total gradient at the cell state, from :func:`cell_state_grad`.
    it : ndarray, shape (n_a, m)
        Update gate :math:`\Gamma_u^{\langle t \rangle}`.
    cct : ndarray, shape (n_a, m)
        Candidate :math:`\tilde c^{\langle t \rangle}`.

    Returns
    -------
    dit : ndarray, shape (n_a, m)

    Notes
    -----
    .. math:: d\Gamma_u = dc \, \tilde c \, \Gamma_u (1 - \Gamma_u)

    Examples
    --------
    >>> import numpy as np
    >>> from rnnbook.gates import update_gate_grad
    >>> update_gate_grad(np.ones((1, 1)), np.full((1, 1), 0.5), np.full((1, 1), 0.8))
    array([[0.2]])
    """
    dc, it, cct = check_alike("(n_a, m)", dc=dc, it=it, cct=cct)
    return dc * cct * it * (1 - it)


def forget_gate_grad(dc, c_prev, ft):
    r"""Gradient with respect to the forget gate's pre-activation.

    Parameters
    ----------
    dc : ndarray, shape (n_a, m)
        Total gradient at the cell state, from :func:`cell_state_grad`.
    c_prev : ndarray, shape (n_a, m)
        Previous cell state :math:`c^{\langle t-1 \rangle}`.
    ft : ndarray, shape (n_a, m)
        Forget gate :math:`\Gamma_f^{\langle t \rangle}`.

    Returns
    -------
    dft : ndarray, shape (n_a, m)

    Notes
    -----
    .. math:: d\Gamma_f = dc \, c_{prev} \, \Gamma_f (1 - \Gamma_f)

    Examples
    --------
    >>> import numpy as np
    >>> from rnnbook.gates import forget_gate_grad
    >>> forget_gate_grad(np.ones((1, 1)), np.full((1, 1), 2.0), np.full((1, 1), 0.5))
    array([[0.5]])
    """
    dc, c_prev, ft = check_alike("(n_a, m)", dc=dc, c_prev=c_prev, ft=ft)
    return dc * c_prev * ft * (1 - ft)


def prev_cell_state_grad(dc, ft):
    r"""Gradient that flows back to the previous cell state :math:`c^{\langle t-1 \rangle}`.

    Parameters
    ----------
    dc : ndarray, shape (n_a, m)
        Total gradient at the cell state, from :func:`cell_state_grad`.
    ft : ndarray, shape (n_a, m)
        Forget gate :math:`\Gamma_f^{\langle t \rangle}`.

    Returns
    -------
    dc_prev : ndarray, shape (n_a, m)

    Notes
    -----
    .. math:: dc_{prev} = dc \, \Gamma_f

    The only path is the product with the forget gate: no weight matrix and no
    squashing function stands in the way, which is why the LSTM's memory carries
    gradients across many steps.

    Examples
    --------
    >>> import numpy as np
    >>> from rnnbook.gates import prev_cell_state_grad
    >>> prev_cell_state_grad(np.ones((1, 1)), np.full((1, 1), 0.9))
    array([[0.9]])
    """
    dc, ft = check_alike("(n_a, m)", dc=dc, ft=ft)
    return dc * ft
