// The contrastive kernels' side and rows: one generic type each, shared with the backends (see SoftmaxSide and
// ScaledRows); in a kernel their arrays are ILGPU views.
global using ViewSide = NativeContrast.Kernels.SoftmaxSide<ILGPU.ArrayView<int>, ILGPU.ArrayView<float>>;
global using ViewRows = NativeContrast.Kernels.ScaledRows<ILGPU.ArrayView<float>>;
