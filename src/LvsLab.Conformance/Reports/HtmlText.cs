using System.Text;

namespace LvsLab.Conformance.Reports;

/// <summary>Makes input text safe in HTML.</summary>
internal static class HtmlText
{
    /// <summary>Escapes text for an element's content or a quoted attribute: &amp;, &lt;, &gt;, quotes; control characters other than tab and newline dropped.</summary>
    public static string Escape(string text)
    {
        var escaped = new StringBuilder(text.Length + 16);
        foreach (var c in text)
        {
            switch (c)
            {
                case '&': escaped.Append("&amp;"); break;
                case '<': escaped.Append("&lt;"); break;
                case '>': escaped.Append("&gt;"); break;
                case '"': escaped.Append("&quot;"); break;
                case '\'': escaped.Append("&#39;"); break;
                case '\t' or '\n': escaped.Append(c); break;
                case '\r': break;
                default:
                    if (!char.IsControl(c))
                    {
                        escaped.Append(c);
                    }

                    break;
            }
        }

        return escaped.ToString();
    }

    /// <summary>A relative link to a file: each path segment percent-encoded (so no scheme such as <c>javascript:</c> survives), then escaped.</summary>
    public static string Href(string path)
    {
        var segments = path.Replace('\\', '/').Split('/').Select(Uri.EscapeDataString);
        return Escape(string.Join("/", segments));
    }

    /// <summary>A fragment-safe name: letters and digits of the text lowercased, other runs as one hyphen.</summary>
    public static string Slug(string text)
    {
        var slug = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            if (char.IsAsciiLetterOrDigit(c))
            {
                slug.Append(char.ToLowerInvariant(c));
            }
            else if (slug.Length > 0 && slug[^1] != '-')
            {
                slug.Append('-');
            }
        }

        return slug.ToString().TrimEnd('-');
    }
}
