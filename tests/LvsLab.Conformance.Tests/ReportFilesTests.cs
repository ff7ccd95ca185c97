using LvsLab.Conformance.Reports;

namespace LvsLab.Conformance.Tests;

public sealed class ReportFilesTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("conform-files-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    [Fact]
    public void AllFourFilesAreWrittenAndTheJsonReadsBack()
    {
        var target = Path.Combine(folder, "run");
        var paths = ReportFiles.WriteAll(Reports.Small(), target);
        Assert.Equal(["report.json", "report.md", "report.html", "junit.xml"], paths.Select(Path.GetFileName));
        Assert.All(paths, p => Assert.True(new FileInfo(p).Length > 0, p));
        Assert.All(paths, p => Assert.NotEqual(0xEF, File.ReadAllBytes(p)[0]));
        Reports.Equal(Reports.Small(), ReportJsonReader.Read(paths[0]));
        Assert.Equal(MarkdownReport.Render(Reports.Small()), File.ReadAllText(paths[1]));
    }
}
