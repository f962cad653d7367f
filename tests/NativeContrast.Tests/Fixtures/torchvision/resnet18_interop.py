"""torchvision-layout ResNet-18 weights in and out of NativeContrast (run by TorchVisionInteropTests where PyTorch is
installed; Debian: python3-torch).

make OUT   writes a ResNet-18 with torchvision's module names and structure (the classes below mirror
           torchvision.models.resnet18, so torchvision itself is not needed), seeded random weights (torchvision's
           initialisation) and batch-norm scales, shifts and running statistics away from 1/0, in evaluation mode:
           weights-f32.safetensors, weights-f16.safetensors, weights-bf16.safetensors (every float tensor in that
           precision; num_batches_tracked as int64), input.npy ([2, 3, 64, 64], uniform in [0, 1]) and, per precision,
           features-<p>.npy: the 512 pooled features before fc of the model whose weights were rounded to <p>.
check DIR  loads DIR/ours.safetensors (NativeContrast's TorchVisionResNet.Save) into the same model with
           load_state_dict(strict=False), requires that only fc.weight and fc.bias are missing, runs DIR/input.npy and
           compares with DIR/ours-features.npy: prints the max abs difference, exits 1 above 1e-4.
"""
import json
import struct
import sys

import numpy as np
import torch
from torch import nn

TOLERANCE = 1e-4


class BasicBlock(nn.Module):
    def __init__(self, inplanes, planes, stride=1):
        super().__init__()
        self.conv1 = nn.Conv2d(inplanes, planes, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(planes)
        self.relu = nn.ReLU(inplace=True)
        self.conv2 = nn.Conv2d(planes, planes, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(planes)
        self.downsample = None
        if stride != 1 or inplanes != planes:
            self.downsample = nn.Sequential(nn.Conv2d(inplanes, planes, 1, stride, bias=False), nn.BatchNorm2d(planes))

    def forward(self, x):
        identity = x if self.downsample is None else self.downsample(x)
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        return self.relu(out + identity)


class ResNet18(nn.Module):
    def __init__(self, num_classes=1000):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 64, 7, 2, 3, bias=False)
        self.bn1 = nn.BatchNorm2d(64)
        self.relu = nn.ReLU(inplace=True)
        self.maxpool = nn.MaxPool2d(3, 2, 1)
        inplanes = 64
        for index, (planes, stride) in enumerate([(64, 1), (128, 2), (256, 2), (512, 2)]):
            setattr(self, f"layer{index + 1}", nn.Sequential(BasicBlock(inplanes, planes, stride), BasicBlock(planes, planes)))
            inplanes = planes
        self.avgpool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(512, num_classes)
        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")

    def features(self, x):
        x = self.maxpool(self.relu(self.bn1(self.conv1(x))))
        x = self.layer4(self.layer3(self.layer2(self.layer1(x))))
        return torch.flatten(self.avgpool(x), 1)


DTYPES = {"F32": (np.float32, 4), "F16": (np.float16, 2), "I64": (np.int64, 8), "I32": (np.int32, 4)}


def write_safetensors(path, tensors):
    header, blobs, offset = {"__metadata__": {"format": "pt"}}, [], 0
    for name, (dtype, t) in sorted(tensors.items()):
        if dtype == "BF16":
            data = t.to(torch.bfloat16).contiguous().view(torch.int16).numpy().tobytes()
        else:
            data = t.contiguous().numpy().astype(DTYPES[dtype][0]).tobytes()
        header[name] = {"dtype": dtype, "shape": list(t.shape), "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    text = json.dumps(header).encode()
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for blob in blobs:
            f.write(blob)


def read_safetensors(path):
    with open(path, "rb") as f:
        raw = f.read()
    (length,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8:8 + length])
    header.pop("__metadata__", None)
    tensors = {}
    for name, entry in header.items():
        begin, end = entry["data_offsets"]
        array = np.frombuffer(raw[8 + length + begin:8 + length + end], dtype=DTYPES[entry["dtype"]][0])
        tensors[name] = torch.from_numpy(array.copy()).reshape(entry["shape"])
    return tensors


def make(out):
    torch.manual_seed(0)
    model = ResNet18()
    generator = torch.Generator().manual_seed(1)
    with torch.no_grad():
        for m in model.modules():
            if isinstance(m, nn.BatchNorm2d):
                c = m.num_features
                m.weight.copy_(0.5 + torch.rand(c, generator=generator))
                m.bias.copy_(0.4 * torch.rand(c, generator=generator) - 0.2)
                m.running_mean.copy_(0.4 * torch.rand(c, generator=generator) - 0.2)
                m.running_var.copy_(0.5 + 1.5 * torch.rand(c, generator=generator))
                m.num_batches_tracked.fill_(7)
    model.eval()
    x = torch.rand(2, 3, 64, 64, generator=generator)
    np.save(f"{out}/input.npy", x.numpy())
    state = model.state_dict()
    for precision, dtype, torch_dtype in [("f32", "F32", torch.float32), ("f16", "F16", torch.float16), ("bf16", "BF16", torch.bfloat16)]:
        rounded = {k: (v.to(torch_dtype).to(torch.float32) if v.is_floating_point() else v) for k, v in state.items()}
        write_safetensors(f"{out}/weights-{precision}.safetensors",
                          {k: ((dtype if v.is_floating_point() else "I64"), v) for k, v in rounded.items()})
        copy = ResNet18()
        copy.load_state_dict(rounded)
        copy.eval()
        with torch.no_grad():
            np.save(f"{out}/features-{precision}.npy", copy.features(x).numpy())
    print(f"wrote {out}: weights-f32/f16/bf16.safetensors, input.npy, features-f32/f16/bf16.npy")


def check(folder):
    model = ResNet18()
    result = model.load_state_dict(read_safetensors(f"{folder}/ours.safetensors"), strict=False)
    if sorted(result.missing_keys) != ["fc.bias", "fc.weight"] or result.unexpected_keys:
        print(f"unexpected key mismatch: missing {result.missing_keys}, unexpected {result.unexpected_keys}")
        return 1
    model.eval()
    with torch.no_grad():
        features = model.features(torch.from_numpy(np.load(f"{folder}/input.npy"))).numpy()
    difference = float(np.abs(features - np.load(f"{folder}/ours-features.npy")).max())
    print(f"max abs difference {difference:.3g} (features up to {float(np.abs(features).max()):.3g})")
    return 0 if difference <= TOLERANCE else 1


if __name__ == "__main__":
    if len(sys.argv) != 3 or sys.argv[1] not in ("make", "check"):
        sys.exit("usage: resnet18_interop.py make OUT | check DIR")
    sys.exit(make(sys.argv[2]) if sys.argv[1] == "make" else check(sys.argv[2]))
