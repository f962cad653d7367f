#!/usr/bin/env python3
"""Reference values for the losses, computed independently with PyTorch in float64.

Each loss is written here from its published definition with the full similarity / distance matrix
materialized (nothing is shared with the C# code). For every case this writes the inputs, the
gradient(s) and a manifest entry with the options and the loss value. The NUnit fixture tests
(LossFixtureTests) run the engine on the same inputs and compare.

Run from this folder:  /usr/bin/python3 make_loss_fixtures.py     (Debian: apt-get install python3-torch)
Another BLAS (or thread count) can change the last bits of the existing cases' files; the committed ones are kept from
their first run, and a case added later (drop-top) was appended to the manifest without rewriting the others.
"""
import json
import os

import numpy as np
import torch
import torch.nn.functional as F


def ntxent(z, positives, tau, normalize):
    if normalize:
        z = F.normalize(z, dim=1)
    s = z @ z.T / tau
    s = s.masked_fill(torch.eye(len(z), dtype=torch.bool), float("-inf"))
    return F.cross_entropy(s, positives)


def infonce(q, k, positives, tau, normalize):
    if normalize:
        q, k = F.normalize(q, dim=1), F.normalize(k, dim=1)
    return F.cross_entropy(q @ k.T / tau, positives)


def clip(a, b, tau, normalize):
    if normalize:
        a, b = F.normalize(a, dim=1), F.normalize(b, dim=1)
    s = a @ b.T / tau
    target = torch.arange(len(a))
    return (F.cross_entropy(s, target) + F.cross_entropy(s.T, target)) / 2


def supcon(z, labels, tau, normalize):
    """Khosla et al. 2020, L_out, without the τ/base_τ factor; anchors without a positive left out."""
    if normalize:
        z = F.normalize(z, dim=1)
    n = len(z)
    self_mask = torch.eye(n, dtype=torch.bool)
    s = (z @ z.T / tau).masked_fill(self_mask, float("-inf"))
    log_prob = s - torch.logsumexp(s, dim=1, keepdim=True)
    positive = (labels[:, None] == labels[None, :]) & ~self_mask
    count = positive.sum(1)
    has = count > 0
    mean_log_prob = torch.where(positive, log_prob, torch.zeros_like(log_prob)).sum(1)[has] / count[has]
    return -mean_log_prob.mean()


def dcl(z, positives, tau, normalize):
    """Yeh et al. 2022: the positive leaves its own denominator."""
    if normalize:
        z = F.normalize(z, dim=1)
    n = len(z)
    rows = torch.arange(n)
    s = z @ z.T / tau
    negative = ~torch.eye(n, dtype=torch.bool)
    negative[rows, positives] = False
    return (-s[rows, positives] + torch.logsumexp(s.masked_fill(~negative, float("-inf")), dim=1)).mean()


def ntxent_false_negatives(z, positives, labels, handling, tau, normalize):
    """NT-Xent with labels (-1 unknown): same-class negatives (k not in {i, p(i)}, y_k = y_i >= 0) dropped from the
    denominator, or attracted as extra positives (the mean over P_i = {p(i)} and the same-class rows)."""
    if normalize:
        z = F.normalize(z, dim=1)
    n = len(z)
    rows = torch.arange(n)
    s = (z @ z.T / tau).masked_fill(torch.eye(n, dtype=torch.bool), float("-inf"))
    same = (labels[:, None] == labels[None, :]) & (labels[:, None] >= 0) & ~torch.eye(n, dtype=torch.bool)
    same[rows, positives] = False
    if handling == "drop":
        return F.cross_entropy(s.masked_fill(same, float("-inf")), positives)
    log_prob = s - torch.logsumexp(s, dim=1, keepdim=True)
    members = same.clone()
    members[rows, positives] = True
    return -(torch.where(members, log_prob, torch.zeros_like(log_prob)).sum(1) / members.sum(1)).mean()


def ntxent_drop_top(z, positives, top_k, tau, normalize):
    """NT-Xent whose anchors each drop their top_k most similar negatives (k not in {i, p(i)}) from the denominator,
    chosen with torch.topk on the detached similarities (the selection carries no gradient)."""
    if normalize:
        z = F.normalize(z, dim=1)
    n = len(z)
    rows = torch.arange(n)
    s = (z @ z.T / tau).masked_fill(torch.eye(n, dtype=torch.bool), float("-inf"))
    candidates = s.detach().clone()
    candidates[rows, positives] = float("-inf")
    top = torch.topk(candidates, top_k, dim=1).indices
    dropped = torch.zeros(n, n, dtype=torch.bool)
    dropped[rows[:, None], top] = True
    return F.cross_entropy(s.masked_fill(dropped, float("-inf")), positives)


def debiased(z, positives, tau, tau_plus, beta, normalize):
    """Chuang et al. 2020 (beta = 0) and HCL, Robinson et al. 2021 (beta > 0), as the authors' code writes them:
    imp = exp(beta * log neg), Ng clamped below at M * e^(-1/tau), M = N - 2 negatives per anchor."""
    if normalize:
        z = F.normalize(z, dim=1)
    n = len(z)
    m = n - 2
    rows = torch.arange(n)
    s = z @ z.T / tau
    negative = ~torch.eye(n, dtype=torch.bool)
    negative[rows, positives] = False
    pos = torch.exp(s[rows, positives])
    neg = torch.exp(s)[negative].view(n, m)
    if beta > 0:
        imp = (beta * neg.log()).exp()
        reweight_neg = (imp * neg).sum(dim=-1) / imp.mean(dim=-1)
    else:
        reweight_neg = neg.sum(dim=-1)
    ng = (-tau_plus * m * pos + reweight_neg) / (1 - tau_plus)
    ng = torch.clamp(ng, min=m * np.e ** (-1 / tau))
    return (-torch.log(pos / (pos + ng))).mean()


def distances(z, metric):
    if metric == "cosine":
        zn = F.normalize(z, dim=1)
        return 1 - zn @ zn.T
    diff = z[:, None, :] - z[None, :, :]
    squared = (diff * diff).sum(-1)
    return squared if metric == "squared" else torch.sqrt(squared.clamp_min(1e-12))


def triplet(z, labels, margin, mining, metric, soft_margin, normalize):
    if normalize:
        z = F.normalize(z, dim=1)
    n = len(z)
    d = distances(z, metric)
    same = labels[:, None] == labels[None, :]
    positive = same & ~torch.eye(n, dtype=torch.bool)
    negative = ~same
    losses = []
    for a in range(n):
        if not positive[a].any() or not negative[a].any():
            continue
        dp = d[a][positive[a]].max()
        dn_all = d[a][negative[a]]
        if mining == "hard":
            dn = dn_all.min()
        else:
            farther = dn_all[dn_all > dp.detach()]
            dn = farther.min() if len(farther) > 0 else dn_all.max()
        gap = dp - dn
        losses.append(F.softplus(gap) if soft_margin else torch.relu(gap + margin))
    return torch.stack(losses).mean()


def main():
    torch.manual_seed(0)
    rng = np.random.default_rng(20261127)
    manifest = []

    def save(name, arrays, entry, loss, grads):
        os.makedirs(name, exist_ok=True)
        for key, value in arrays.items():
            np.save(os.path.join(name, key + ".npy"), value)
        for key, value in grads.items():
            np.save(os.path.join(name, key + ".npy"), value.detach().numpy())
        entry.update(name=name, loss=float(loss))
        manifest.append(entry)

    def leaf(array):
        return torch.tensor(array, dtype=torch.float64, requires_grad=True)

    def softmax_case(name, kind, n, d, tau, normalize, m=None, explicit=False, classes=None):
        z = rng.standard_normal((n, d))
        arrays = {"input": z}
        zt = leaf(z)
        entry = dict(kind=kind, temperature=tau, normalize=normalize)
        if kind == "ntxent":
            pos = rng.permutation(n) if explicit else (np.arange(n) + n // 2) % n
            pos = np.where(pos == np.arange(n), (pos + 1) % n, pos)
            if explicit:
                arrays["positives"] = pos.astype(np.int64)
            loss = ntxent(zt, torch.tensor(pos), tau, normalize)
            loss.backward()
            save(name, arrays, entry, loss, {"grad": zt.grad})
        elif kind == "supcon":
            labels = rng.integers(0, classes, n)
            labels[0] = classes + 5  # one anchor without a positive
            arrays["labels"] = labels.astype(np.int64)
            loss = supcon(zt, torch.tensor(labels), tau, normalize)
            loss.backward()
            save(name, arrays, entry, loss, {"grad": zt.grad})
        else:
            k = rng.standard_normal((m, d))
            arrays["keys"] = k
            kt = leaf(k)
            if kind == "infonce":
                pos = rng.integers(0, m, n) if explicit else np.arange(n)
                if explicit:
                    arrays["positives"] = pos.astype(np.int32)
                loss = infonce(zt, kt, torch.tensor(pos), tau, normalize)
            else:
                loss = clip(zt, kt, tau, normalize)
            loss.backward()
            save(name, arrays, entry, loss, {"grad": zt.grad, "keys_grad": kt.grad})

    def triplet_case(name, n, d, classes, margin, mining, metric, soft_margin, normalize):
        z = rng.standard_normal((n, d))
        labels = rng.integers(0, classes, n)
        zt = leaf(z)
        loss = triplet(zt, torch.tensor(labels), margin, mining, metric, soft_margin, normalize)
        loss.backward()
        entry = dict(kind="triplet", margin=margin, mining=mining, distance=metric, soft_margin=soft_margin, normalize=normalize)
        save(name, {"input": z, "labels": labels.astype(np.int64)}, entry, loss, {"grad": zt.grad})

    softmax_case("ntxent_default", "ntxent", 24, 8, 0.1, True)
    softmax_case("ntxent_explicit_raw", "ntxent", 15, 6, 0.5, False, explicit=True)
    softmax_case("ntxent_tau001", "ntxent", 16, 8, 0.01, True)
    softmax_case("infonce_queue", "infonce", 10, 8, 0.07, True, m=30)
    softmax_case("infonce_explicit_raw", "infonce", 9, 5, 0.2, False, m=14, explicit=True)
    softmax_case("clip", "clip", 12, 8, 0.1, True, m=12)
    softmax_case("supcon", "supcon", 20, 8, 0.1, True, classes=4)
    softmax_case("supcon_raw", "supcon", 18, 6, 0.3, False, classes=3)
    triplet_case("triplet_hard_euclidean", 20, 8, 4, 0.2, "hard", "euclidean", False, True)
    triplet_case("triplet_semihard_cosine", 20, 8, 4, 0.3, "semihard", "cosine", False, False)
    triplet_case("triplet_hard_squared_soft", 18, 6, 3, 0.2, "hard", "squared", True, False)
    triplet_case("triplet_semihard_euclidean_raw", 22, 5, 5, 1.0, "semihard", "euclidean", False, False)

    def negatives_case(name, kind, n, d, tau, normalize, explicit=False, tau_plus=None, beta=None):
        z = rng.standard_normal((n, d))
        arrays = {"input": z}
        zt = leaf(z)
        pos = rng.permutation(n) if explicit else (np.arange(n) + n // 2) % n
        pos = np.where(pos == np.arange(n), (pos + 1) % n, pos)
        if explicit:
            arrays["positives"] = pos.astype(np.int64)
        entry = dict(kind=kind, temperature=tau, normalize=normalize)
        if kind == "dcl":
            loss = dcl(zt, torch.tensor(pos), tau, normalize)
        else:
            entry.update(tau_plus=tau_plus, beta=beta)
            loss = debiased(zt, torch.tensor(pos), tau, tau_plus, beta, normalize)
        loss.backward()
        save(name, arrays, entry, loss, {"grad": zt.grad})

    # Added after the cases above, so their random draws (and files) stay the same.
    negatives_case("dcl_default", "dcl", 24, 8, 0.1, True)
    negatives_case("dcl_explicit_raw", "dcl", 15, 6, 0.5, False, explicit=True)
    negatives_case("debiased", "debiased", 24, 8, 0.1, True, tau_plus=0.1, beta=0.0)
    negatives_case("debiased_floor", "debiased", 16, 6, 0.5, True, tau_plus=0.5, beta=0.0)
    negatives_case("hcl", "hcl", 24, 8, 0.2, True, tau_plus=0.1, beta=1.0)
    negatives_case("hcl_tau005_beta2", "hcl", 20, 8, 0.05, True, explicit=True, tau_plus=0.1, beta=2.0)

    def false_negatives_case(name, handling, n, d, tau, normalize, classes):
        z = rng.standard_normal((n, d))
        image = rng.integers(0, classes, n // 2)
        image[::4] = -1  # unknown labels
        labels = np.concatenate([image, image])
        pos = (np.arange(n) + n // 2) % n
        zt = leaf(z)
        loss = ntxent_false_negatives(zt, torch.tensor(pos), torch.tensor(labels), handling, tau, normalize)
        loss.backward()
        entry = dict(kind="ntxent", temperature=tau, normalize=normalize, false_negatives=handling)
        save(name, {"input": z, "labels": labels.astype(np.int64)}, entry, loss, {"grad": zt.grad})

    false_negatives_case("ntxent_drop", "drop", 24, 8, 0.1, True, 3)
    false_negatives_case("ntxent_attract", "attract", 24, 8, 0.2, True, 3)
    false_negatives_case("ntxent_drop_raw", "drop", 20, 6, 0.5, False, 2)

    def drop_top_case(name, n, d, tau, normalize, top_k, explicit=False):
        z = rng.standard_normal((n, d))
        arrays = {"input": z}
        pos = rng.permutation(n) if explicit else (np.arange(n) + n // 2) % n
        pos = np.where(pos == np.arange(n), (pos + 1) % n, pos)
        if explicit:
            arrays["positives"] = pos.astype(np.int64)
        zt = leaf(z)
        loss = ntxent_drop_top(zt, torch.tensor(pos), top_k, tau, normalize)
        loss.backward()
        entry = dict(kind="ntxent", temperature=tau, normalize=normalize, false_negatives="drop-top", top_k=top_k)
        save(name, arrays, entry, loss, {"grad": zt.grad})

    drop_top_case("ntxent_drop_top", 24, 8, 0.1, True, 4)
    drop_top_case("ntxent_drop_top_raw_explicit", 20, 6, 0.5, False, 8, explicit=True)
    drop_top_case("ntxent_drop_top_tau005", 32, 8, 0.05, True, 1)

    with open("manifest.json", "w") as f:
        json.dump({"generator": f"PyTorch {torch.__version__}, float64", "cases": manifest}, f, indent=1)
    print(f"wrote {len(manifest)} cases with PyTorch {torch.__version__}")


if __name__ == "__main__":
    main()
