"""A fused fp32 ONNX graph of a BERT encoder -> the same graph with its activations' outlier
channels moved into the weights, so that int8 quantization (rag.onnx_embed) resolves them.

For a matrix product x @ W where a few channels of x reach far beyond the rest, it is the same
product as (x / s) @ (s W), with s > 1 on those channels only:

>>> x, w, s = np.array([[24.0, 1.0]]), np.array([[0.5], [2.0]]), np.array([6.0, 1.0])
>>> bool(np.allclose(x @ w, (x / s) @ (s[:, None] * w))), float((x / s).max())
(True, 4.0)
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from .onnx_embed import padded, tokenizer

# What `smooth` runs the model on to find each activation's outlier channels: a few sentences of the
# kinds it embeds. The channels are the model's, not the text's (in each layer's FFN, one channel
# at the [CLS] token of every text): calibrated on 400 SQuAD texts instead, cosine to fp32 on
# SciFact moved by 0.0005.
CALIBRATION = (
    "Thousands of migrants crossed the border on foot last week, officials said on Monday.",
    "The central bank raised interest rates by half a point to curb inflation.",
    "What is the capital of France?",
    "Researchers found that the protein binds to the receptor only in the presence of calcium ions, "
    "which suggests a regulatory role in cell signalling.",
    "The match ended 2-1 after a late goal in the 89th minute.",
    "How many people live in the city, and how has the number changed since 1990?",
    "The new law, passed by parliament in March, requires companies to report their emissions every year.",
    "Storms flooded roads across the region; schools stayed closed.",
)
OUTLIER = 4.0  # a channel is shrunk when its peak passes 4x the median channel's (2 and 1.5: no better)


def smooth(model, folder: Path) -> None:
    """Move the outlier channels' range from the activations into the weights (the graph, in place).

    Dynamic quantization gives an activation one int8 scale for the whole batch: where one channel
    reaches 24 and the median one 1.2 (the FFN's GELU output in layer 0), a step is 0.1 for all.
    For each matrix product x @ W with such channels: (x / s) @ (s W), one row of W per channel,
    the same product in float and a range int8 resolves (SmoothQuant, Xiao et al. 2023, for the
    few outlier channels only: scaling every channel measured worse, the weights then suffer).
    """
    import onnx
    import onnxruntime as ort
    from onnx import helper, numpy_helper

    weights = {w.name: w for w in model.graph.initializer}
    targets = {n.name: n.input[0] for n in model.graph.node if n.op_type in ("MatMul", "Attention") and n.input[1] in weights}
    probe = onnx.ModelProto()
    probe.CopyFrom(model)
    names = sorted(set(targets.values()))
    probe.graph.output.extend(helper.make_tensor_value_info(x, onnx.TensorProto.FLOAT, None) for x in names)
    opts = ort.SessionOptions()
    opts.log_severity_level = 3
    session = ort.InferenceSession(probe.SerializeToString(), opts, providers=["CPUExecutionProvider"])
    ids, mask = padded(tokenizer(str(folder)).encode_batch(list(CALIBRATION)))
    values = session.run(names, {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)})
    peak = {x: np.abs(v[mask > 0]).max(0) for x, v in zip(names, values)}  # per channel, over real tokens
    nodes = []
    for node in model.graph.node:
        x = targets.get(node.name)
        s = np.maximum(1.0, peak[x] / max(OUTLIER * float(np.median(peak[x])), 1e-6)).astype(np.float32) if x else None
        if s is not None and (s > 1).any():
            w = weights[node.input[1]]
            w.CopyFrom(numpy_helper.from_array(numpy_helper.to_array(w) * s[:, None], w.name))
            model.graph.initializer.append(numpy_helper.from_array(1 / s, f"{node.name}_smooth"))
            nodes.append(helper.make_node("Mul", [x, f"{node.name}_smooth"], [f"{node.name}_smoothed"], name=f"{node.name}_smooth"))
            node.input[0] = f"{node.name}_smoothed"
        nodes.append(node)
    del model.graph.node[:]
    model.graph.node.extend(nodes)
