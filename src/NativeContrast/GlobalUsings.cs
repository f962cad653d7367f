// The contrastive family's side and rows (NativeContrast.Kernels.SoftmaxSide and ScaledRows): one generic type each,
// named here by where their arrays live. The backends' interface passes device buffers, the ILGPU launches kernel views.
global using BufferSide = NativeContrast.Kernels.SoftmaxSide<NativeContrast.Backends.BufferSlice, NativeContrast.Backends.BufferSlice>;
global using BufferRows = NativeContrast.Kernels.ScaledRows<NativeContrast.Backends.BufferSlice>;
global using ViewSide = NativeContrast.Kernels.SoftmaxSide<ILGPU.ArrayView<int>, ILGPU.ArrayView<float>>;
global using ViewRows = NativeContrast.Kernels.ScaledRows<ILGPU.ArrayView<float>>;
