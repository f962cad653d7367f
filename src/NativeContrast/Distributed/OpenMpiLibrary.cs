using System.Runtime.InteropServices;

namespace NativeContrast.Distributed;

/// <summary>
/// The few MPI calls the engine needs, bound directly to Open MPI's <c>libmpi.so.40</c>. Open MPI's
/// handles (MPI_COMM_WORLD, MPI_FLOAT, MPI_SUM, …) are pointers to exported globals, so they are read
/// with <see cref="NativeLibrary.GetExport"/> rather than hard-coded as MPICH-style integers (the reason
/// MPI.NET 1.4.0 crashes against Open MPI). The library is opened with RTLD_GLOBAL first, because Open
/// MPI's plug-ins resolve symbols of libmpi when they are loaded.
/// </summary>
internal static partial class OpenMpiLibrary
{
    public const string LibraryName = "libmpi.so.40";
    public const int Success = 0;

    private const int RtldNow = 2, RtldGlobal = 0x100;
    private static nint library;

    /// <summary>MPI_IN_PLACE in Open MPI.</summary>
    public static readonly nint InPlace = 1;

    public static nint CommWorld { get; private set; }

    public static nint Float { get; private set; }

    public static nint Double { get; private set; }

    public static nint Int { get; private set; }

    public static nint OpSum { get; private set; }

    public static nint OpMax { get; private set; }

    /// <summary>Opens the library and reads the handles; a clear error when Open MPI is not installed.</summary>
    public static void Load()
    {
        if (library != 0) return;
        if (dlopen(LibraryName, RtldNow | RtldGlobal) == 0)
            throw new DllNotFoundException($"Open MPI's {LibraryName} could not be loaded ({Marshal.PtrToStringUTF8(dlerror())}). " +
                "Install it (Debian: apt-get install openmpi-bin libopenmpi3) or run without mpirun.");
        library = NativeLibrary.Load(LibraryName);
        CommWorld = Export("ompi_mpi_comm_world");
        Float = Export("ompi_mpi_float");
        Double = Export("ompi_mpi_double");
        Int = Export("ompi_mpi_int");
        OpSum = Export("ompi_mpi_op_sum");
        OpMax = Export("ompi_mpi_op_max");
    }

    private static nint Export(string name) =>
        NativeLibrary.TryGetExport(library, name, out var address) ? address
            : throw new EntryPointNotFoundException($"{LibraryName} has no '{name}': this binding needs Open MPI (4.x or later), not MPICH or Microsoft MPI.");

    /// <summary>Throws when an MPI call returned an error code (with MPI_ERRORS_ARE_FATAL it aborts before this).</summary>
    public static void Check(int code, string call)
    {
        if (code != Success) throw new InvalidOperationException($"{call} failed with MPI error code {code}.");
    }

    [LibraryImport("libc.so.6", StringMarshalling = StringMarshalling.Utf8)]
    private static partial nint dlopen(string file, int mode);

    [LibraryImport("libc.so.6")]
    private static partial nint dlerror();

    [LibraryImport(LibraryName)]
    public static unsafe partial int MPI_Init(int* argc, nint* argv);

    [LibraryImport(LibraryName)]
    public static unsafe partial int MPI_Initialized(int* flag);

    [LibraryImport(LibraryName)]
    public static unsafe partial int MPI_Finalized(int* flag);

    [LibraryImport(LibraryName)]
    public static partial int MPI_Finalize();

    [LibraryImport(LibraryName)]
    public static unsafe partial int MPI_Comm_rank(nint comm, int* rank);

    [LibraryImport(LibraryName)]
    public static unsafe partial int MPI_Comm_size(nint comm, int* size);

    [LibraryImport(LibraryName)]
    public static partial int MPI_Barrier(nint comm);

    [LibraryImport(LibraryName)]
    public static unsafe partial int MPI_Bcast(void* buffer, int count, nint datatype, int root, nint comm);

    [LibraryImport(LibraryName)]
    public static unsafe partial int MPI_Allreduce(void* send, void* receive, int count, nint datatype, nint op, nint comm);

    [LibraryImport(LibraryName)]
    public static unsafe partial int MPI_Allgather(void* send, int sendCount, nint sendType, void* receive, int receiveCount, nint receiveType, nint comm);

    [LibraryImport(LibraryName)]
    public static partial int MPI_Abort(nint comm, int errorCode);
}
