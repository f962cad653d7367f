using NativeContrast.Kernels;
using static NativeContrast.Kernels.AugmentationKernels;

namespace NativeContrast.Backends;

/// <summary>Image augmentations on the CPU (float32), images in parallel; same math as <see cref="AugmentationKernels"/>.</summary>
internal sealed partial class CpuBackend
{
    public void Resample(BufferSlice x, BufferSlice y, BufferSlice boxes, BufferSlice flips, ImageShape s)
    {
        var xa = Array<float>(x);
        var ya = Array<float>(y);
        var box = Span<float>(boxes).ToArray();
        var flip = Span<int>(flips).ToArray();
        CpuParallel.For(s.Batch * s.Channels, s.OutPlane * 8L, (start, end) =>
        {
            for (int p = start; p < end; p++)
            {
                int n = p / s.Channels, inStart = x.Offset + p * s.Plane, outStart = y.Offset + p * s.OutPlane;
                float top = box[n * 4], left = box[n * 4 + 1], height = box[n * 4 + 2], width = box[n * 4 + 3];
                for (int oy = 0; oy < s.OutHeight; oy++)
                {
                    float sy = top + (oy + 0.5f) * height / s.OutHeight - 0.5f;
                    for (int ox = 0; ox < s.OutWidth; ox++)
                    {
                        int col = flip[n] != 0 ? s.OutWidth - 1 - ox : ox;
                        float sx = left + (col + 0.5f) * width / s.OutWidth - 0.5f;
                        ya[outStart + oy * s.OutWidth + ox] = Bilinear(xa, inStart, s.Height, s.Width, sy, sx);
                    }
                }
            }
        });
    }

    public void AdjustColor(BufferSlice x, BufferSlice y, BufferSlice parameters, ImageShape s)
    {
        var xa = Array<float>(x);
        var ya = Array<float>(y);
        var prm = Span<float>(parameters).ToArray();
        int plane = s.Plane;
        CpuParallel.For(s.Batch, plane * s.Channels * 8L, (first, last) =>
        {
            for (int n = first; n < last; n++)
            {
                int start = n * s.Channels * plane;
                var src = xa.AsSpan(x.Offset + start, s.Channels * plane);
                var dst = ya.AsSpan(y.Offset + start, s.Channels * plane);
                float b = prm[n * 5], contrast = prm[n * 5 + 1], saturation = prm[n * 5 + 2], hue = prm[n * 5 + 3], gray = prm[n * 5 + 4];
                float sum = 0f;
                for (int k = 0; k < plane; k++)
                    sum += s.Channels == 3
                        ? LumaR * Clamp01(src[k] * b) + LumaG * Clamp01(src[plane + k] * b) + LumaB * Clamp01(src[2 * plane + k] * b)
                        : Clamp01(src[k] * b);
                float mean = sum / plane;
                if (s.Channels != 3)
                {
                    for (int k = 0; k < src.Length; k++) dst[k] = Clamp01((Clamp01(src[k] * b) - mean) * contrast + mean);
                    continue;
                }
                float cosH = MathF.Cos(hue * 2f * MathF.PI), sinH = MathF.Sin(hue * 2f * MathF.PI);
                for (int k = 0; k < plane; k++)
                {
                    var v = AdjustPixel(src[k], src[plane + k], src[2 * plane + k], b, contrast, mean, saturation, cosH, sinH, gray);
                    dst[k] = v.R;
                    dst[plane + k] = v.G;
                    dst[2 * plane + k] = v.B;
                }
            }
        });
    }

    // Separable: a horizontal pass into a per-thread buffer, then a vertical pass, with the normalized 1-D weights.
    public void Blur(BufferSlice x, BufferSlice y, BufferSlice sigmas, int radius, ImageShape s)
    {
        var xa = Array<float>(x);
        var ya = Array<float>(y);
        var sig = Span<float>(sigmas).ToArray();
        CpuParallel.For(s.Batch * s.Channels, s.Plane * (4L * radius + 2), (start, end) =>
        {
            var rows = new float[s.Plane];
            var weights = new float[2 * radius + 1];
            for (int p = start; p < end; p++)
            {
                int n = p / s.Channels, o = p * s.Plane;
                float sigma = sig[n];
                if (sigma <= 0f)
                {
                    xa.AsSpan(x.Offset + o, s.Plane).CopyTo(ya.AsSpan(y.Offset + o, s.Plane));
                    continue;
                }
                float total = 0f;
                for (int d = -radius; d <= radius; d++) total += weights[d + radius] = MathF.Exp(-d * d / (2f * sigma * sigma));
                for (int d = 0; d < weights.Length; d++) weights[d] /= total;
                for (int py = 0; py < s.Height; py++)
                    for (int px = 0; px < s.Width; px++)
                    {
                        float v = 0f;
                        for (int d = -radius; d <= radius; d++) v += weights[d + radius] * xa[x.Offset + o + py * s.Width + Reflect(px + d, s.Width)];
                        rows[py * s.Width + px] = v;
                    }
                for (int py = 0; py < s.Height; py++)
                    for (int px = 0; px < s.Width; px++)
                    {
                        float v = 0f;
                        for (int d = -radius; d <= radius; d++) v += weights[d + radius] * rows[Reflect(py + d, s.Height) * s.Width + px];
                        ya[y.Offset + o + py * s.Width + px] = v;
                    }
            }
        });
    }

    public void Erase(BufferSlice x, BufferSlice y, BufferSlice boxes, float value, ImageShape s)
    {
        var xa = Array<float>(x);
        var ya = Array<float>(y);
        var box = Span<float>(boxes).ToArray();
        CpuParallel.For(s.Batch * s.Channels, s.Plane, (start, end) =>
        {
            for (int p = start; p < end; p++)
            {
                int n = p / s.Channels, o = p * s.Plane;
                xa.AsSpan(x.Offset + o, s.Plane).CopyTo(ya.AsSpan(y.Offset + o, s.Plane));
                int top = (int)box[n * 4], left = (int)box[n * 4 + 1], height = (int)box[n * 4 + 2], width = (int)box[n * 4 + 3];
                for (int py = top; py < Math.Min(s.Height, top + height); py++)
                    ya.AsSpan(y.Offset + o + py * s.Width + left, Math.Max(0, Math.Min(width, s.Width - left))).Fill(value);
            }
        });
    }

    private static float Bilinear(float[] x, int planeStart, int height, int width, float sy, float sx)
    {
        sy = MathF.Min(MathF.Max(sy, 0f), height - 1);
        sx = MathF.Min(MathF.Max(sx, 0f), width - 1);
        int y0 = (int)sy, x0 = (int)sx;
        int y1 = y0 + 1 < height ? y0 + 1 : y0, x1 = x0 + 1 < width ? x0 + 1 : x0;
        float fy = sy - y0, fx = sx - x0;
        float top = x[planeStart + y0 * width + x0] * (1f - fx) + x[planeStart + y0 * width + x1] * fx;
        float bottom = x[planeStart + y1 * width + x0] * (1f - fx) + x[planeStart + y1 * width + x1] * fx;
        return top * (1f - fy) + bottom * fy;
    }
}
