using ILGPU;

namespace NativeContrast.Kernels;

/// <summary>
/// Image augmentations on batches [N, C, H, W] with values in [0, 1], each image with its own random
/// parameters (drawn on the host, passed as arrays). Shape legend: see <see cref="ImageShape"/>.
/// Variants:
///   1. *Naive: one thread per output pixel (resampling, blur, erasing) or per image (colour).
/// </summary>
public static class AugmentationKernels
{
    /// <summary>Luma weights (ITU-R 601, as torchvision's rgb_to_grayscale).</summary>
    public const float LumaR = 0.299f, LumaG = 0.587f, LumaB = 0.114f;

    /// <summary>
    /// Bilinear resampling of the box (top, left, height, width) of image n to OutHeight×OutWidth,
    /// mirrored left–right when flip[n] ≠ 0: source y = top + (oy + ½)·height/OutHeight − ½ (and x alike),
    /// sampled with clamping at the image border.
    /// </summary>
    public static void ResampleNaive(Index1D index, ArrayView<float> x, ArrayView<float> y, ArrayView<float> boxes, ArrayView<int> flips, ImageShape s)
    {
        int ox = index % s.OutWidth, oy = index / s.OutWidth % s.OutHeight, c = index / s.OutPlane % s.Channels, n = index / (s.OutPlane * s.Channels);
        float top = boxes[n * 4], left = boxes[n * 4 + 1], height = boxes[n * 4 + 2], width = boxes[n * 4 + 3];
        int col = flips[n] != 0 ? s.OutWidth - 1 - ox : ox;
        float sy = top + (oy + 0.5f) * height / s.OutHeight - 0.5f;
        float sx = left + (col + 0.5f) * width / s.OutWidth - 0.5f;
        y[index] = Bilinear(x, (n * s.Channels + c) * s.Plane, s.Height, s.Width, sy, sx);
    }

    /// <summary>
    /// Colour jitter and grayscale for image n, parameters[n·5..]: brightness factor b, contrast c,
    /// saturation s, hue shift h (fraction of a turn), grayscale flag g. In this order, each clamped to
    /// [0, 1]: v·b; (v − m)·c + m with m the mean luma; luma + (v − luma)·s (3 channels); a rotation of the
    /// chroma plane by 2πh in YIQ (3 channels); luma in every channel when g ≠ 0.
    /// </summary>
    public static void ColorNaive(Index1D n, ArrayView<float> x, ArrayView<float> y, ArrayView<float> parameters, ImageShape s)
    {
        int plane = s.Plane, start = n * s.Channels * plane;
        float b = parameters[n * 5], contrast = parameters[n * 5 + 1], saturation = parameters[n * 5 + 2], hue = parameters[n * 5 + 3], gray = parameters[n * 5 + 4];
        // Mean luma after the brightness change, for the contrast blend.
        float sum = 0f;
        for (int k = 0; k < plane; k++) sum += Luma(x, start, plane, k, s.Channels, b);
        float mean = sum / plane;
        float cosH = MathF.Cos(hue * 2f * MathF.PI), sinH = MathF.Sin(hue * 2f * MathF.PI);
        for (int k = 0; k < plane; k++)
        {
            if (s.Channels == 3)
            {
                var v = AdjustPixel(x[start + k], x[start + plane + k], x[start + 2 * plane + k], b, contrast, mean, saturation, cosH, sinH, gray);
                y[start + k] = v.R;
                y[start + plane + k] = v.G;
                y[start + 2 * plane + k] = v.B;
            }
            else
            {
                for (int c = 0; c < s.Channels; c++)
                    y[start + c * plane + k] = Clamp01((Clamp01(x[start + c * plane + k] * b) - mean) * contrast + mean);
            }
        }
    }

    /// <summary>
    /// One RGB pixel through the colour steps of <see cref="ColorNaive"/> (shared with the CPU backend):
    /// brightness, contrast about <paramref name="mean"/>, saturation, the YIQ hue rotation (cos, sin),
    /// and grayscale when <paramref name="gray"/> ≠ 0; each step clamped to [0, 1].
    /// </summary>
    public static Rgb AdjustPixel(float r, float g, float bl, float brightness, float contrast, float mean, float saturation, float cosH, float sinH, float gray)
    {
        r = Clamp01((Clamp01(r * brightness) - mean) * contrast + mean);
        g = Clamp01((Clamp01(g * brightness) - mean) * contrast + mean);
        bl = Clamp01((Clamp01(bl * brightness) - mean) * contrast + mean);
        float l = LumaR * r + LumaG * g + LumaB * bl;
        r = Clamp01(l + (r - l) * saturation);
        g = Clamp01(l + (g - l) * saturation);
        bl = Clamp01(l + (bl - l) * saturation);
        // YIQ: rotate (I, Q) by the hue angle, keep Y.
        float yy = 0.299f * r + 0.587f * g + 0.114f * bl;
        float ii = 0.596f * r - 0.274f * g - 0.322f * bl;
        float qq = 0.211f * r - 0.523f * g + 0.312f * bl;
        float i2 = ii * cosH - qq * sinH, q2 = ii * sinH + qq * cosH;
        r = Clamp01(yy + 0.956f * i2 + 0.621f * q2);
        g = Clamp01(yy - 0.272f * i2 - 0.647f * q2);
        bl = Clamp01(yy - 1.106f * i2 + 1.703f * q2);
        if (gray != 0f)
        {
            float lg = LumaR * r + LumaG * g + LumaB * bl;
            return new Rgb { R = lg, G = lg, B = lg };
        }
        return new Rgb { R = r, G = g, B = bl };
    }

    /// <summary>
    /// Gaussian blur of image n with σ = sigmas[n] (a copy when σ ≤ 0) over a (2·radius + 1)² window,
    /// reflecting at the border; the weights are normalized to sum to 1.
    /// </summary>
    public static void BlurNaive(Index1D index, ArrayView<float> x, ArrayView<float> y, ArrayView<float> sigmas, int radius, ImageShape s)
    {
        int px = index % s.Width, py = index / s.Width % s.Height, plane = index / s.Plane, n = plane / s.Channels;
        float sigma = sigmas[n];
        if (sigma <= 0f)
        {
            y[index] = x[index];
            return;
        }
        float total = 0f, weights = 0f;
        for (int dy = -radius; dy <= radius; dy++)
        {
            int sy = Reflect(py + dy, s.Height);
            for (int dx = -radius; dx <= radius; dx++)
            {
                float w = MathF.Exp(-(dx * dx + dy * dy) / (2f * sigma * sigma));
                total += w * x[plane * s.Plane + sy * s.Width + Reflect(px + dx, s.Width)];
                weights += w;
            }
        }
        y[index] = total / weights;
    }

    /// <summary>Random erasing: pixels inside box n (top, left, height, width; height 0 = none) become <paramref name="value"/>.</summary>
    public static void EraseNaive(Index1D index, ArrayView<float> x, ArrayView<float> y, ArrayView<float> boxes, float value, ImageShape s)
    {
        int px = index % s.Width, py = index / s.Width % s.Height, n = index / (s.Plane * s.Channels);
        float top = boxes[n * 4], left = boxes[n * 4 + 1], height = boxes[n * 4 + 2], width = boxes[n * 4 + 3];
        bool inside = py >= top && py < top + height && px >= left && px < left + width;
        y[index] = inside ? value : x[index];
    }

    /// <summary>v sampled bilinearly at (sy, sx) of one plane, coordinates clamped to the plane.</summary>
    public static float Bilinear(ArrayView<float> x, int planeStart, int height, int width, float sy, float sx)
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

    /// <summary>Reflection about the border without repeating it (…, 2, 1, 0, 1, 2, …), as torchvision pads for blur.</summary>
    public static int Reflect(int i, int size)
    {
        if (size == 1) return 0;
        int period = 2 * (size - 1);
        i %= period;
        if (i < 0) i += period;
        return i < size ? i : period - i;
    }

    /// <summary>min(max(v, 0), 1).</summary>
    public static float Clamp01(float v) => MathF.Min(MathF.Max(v, 0f), 1f);

    /// <summary>One RGB pixel.</summary>
    public struct Rgb
    {
        /// <summary>The colour's channels.</summary>
        public float R, G, B;
    }

    private static float Luma(ArrayView<float> x, int start, int plane, int k, int channels, float brightness) => channels == 3
        ? LumaR * Clamp01(x[start + k] * brightness) + LumaG * Clamp01(x[start + plane + k] * brightness) + LumaB * Clamp01(x[start + 2 * plane + k] * brightness)
        : Clamp01(x[start + k] * brightness);
}
