using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using NativeContrast.Data;

namespace NativeContrast.Tests.Data;

/// <summary>
/// The Fashion-MNIST download against a server on 127.0.0.1 started by the test: progress lines, one retry after a
/// failed transfer, a clear error after a second failure (a wrong checksum twice), and no partial file left behind.
/// </summary>
[NonParallelizable]
public class DownloadTests
{
    /// <summary>Serves <paramref name="respond"/>'s answer (status, body) to each request, counting them, until disposed.</summary>
    private sealed class LoopbackServer : IDisposable
    {
        private readonly HttpListener listener = new();
        private readonly Task loop;
        private int requests;

        public LoopbackServer(Func<int, (int Status, byte[] Body)> respond)
        {
            var probe = new TcpListener(IPAddress.Loopback, 0);
            probe.Start();
            int port = ((IPEndPoint)probe.LocalEndpoint).Port;
            probe.Stop();
            BaseUrl = $"http://127.0.0.1:{port}/";
            listener.Prefixes.Add(BaseUrl);
            listener.Start();
            loop = Task.Run(async () =>
            {
                while (listener.IsListening)
                {
                    HttpListenerContext context;
                    try
                    {
                        context = await listener.GetContextAsync();
                    }
                    catch (Exception) when (!listener.IsListening)
                    {
                        return;
                    }
                    var (status, body) = respond(Interlocked.Increment(ref requests));
                    context.Response.StatusCode = status;
                    context.Response.ContentLength64 = body.Length;
                    await context.Response.OutputStream.WriteAsync(body);
                    context.Response.Close();
                }
            });
        }

        public string BaseUrl { get; }

        public int Requests => requests;

        public void Dispose()
        {
            listener.Stop();
            listener.Close();
        }
    }

    private static byte[] GzipOf(byte[] data)
    {
        using var memory = new MemoryStream();
        using (var zip = new System.IO.Compression.GZipStream(memory, System.IO.Compression.CompressionLevel.Fastest, leaveOpen: true)) zip.Write(data);
        return memory.ToArray();
    }

    [Test]
    public void AFailedTransfer_IsTriedOnceMore_WithProgressLines()
    {
        var data = IdxFiles.Bytes([300], new byte[300]);
        var body = GzipOf(data);
        string checksum = Convert.ToHexStringLower(SHA256.HashData(data));
        var folder = Directory.CreateTempSubdirectory("nc-download-").FullName;
        using var server = new LoopbackServer(request => request == 1 ? (500, []) : (200, body));
        try
        {
            var log = new StringWriter();
            FashionMnist.Download(folder, server.BaseUrl, new Dictionary<string, string> { ["t10k-labels-idx1-ubyte"] = checksum }, log);
            Assert.That(server.Requests, Is.EqualTo(2));
            Assert.That(File.ReadAllBytes(Path.Combine(folder, "t10k-labels-idx1-ubyte.gz")), Is.EqualTo(body));
            Assert.That(log.ToString(), Does.Contain("failed (").And.Contain("trying once more").And.Contain("(second try)").And.Contain("100 %"));
            Assert.That(Directory.GetFiles(folder, "*.part"), Is.Empty);
        }
        finally
        {
            Directory.Delete(folder, true);
        }
    }

    [Test]
    public void AWrongChecksumTwice_IsOneClearError_AndLeavesNoPartialFile()
    {
        var body = GzipOf(IdxFiles.Bytes([10], new byte[10]));
        var folder = Directory.CreateTempSubdirectory("nc-download-").FullName;
        using var server = new LoopbackServer(_ => (200, body));
        try
        {
            var e = Assert.Throws<InvalidDataException>(() =>
                FashionMnist.Download(folder, server.BaseUrl, new Dictionary<string, string> { ["t10k-labels-idx1-ubyte"] = new string('0', 64) }, null))!;
            Assert.That(server.Requests, Is.EqualTo(2));
            Assert.That(e.Message, Does.StartWith($"Fashion-MNIST: {server.BaseUrl}t10k-labels-idx1-ubyte.gz failed twice (its SHA-256 is ")
                .And.Contain("nothing was kept").And.Not.Contain("\n"));
            Assert.That(Directory.GetFiles(folder), Is.Empty, "the partial file is removed");
        }
        finally
        {
            Directory.Delete(folder, true);
        }
    }
}
