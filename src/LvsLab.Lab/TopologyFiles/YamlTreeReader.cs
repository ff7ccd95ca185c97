using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace LvsLab.Lab.TopologyFiles;

/// <summary>
/// Turns YAML text into a <see cref="YamlTreeNode"/> tree from YamlDotNet's parser events, so
/// that every node keeps its line and repeated keys reach the schema reader (which names them).
/// </summary>
internal static class YamlTreeReader
{
    /// <summary>Parses <paramref name="text"/>: one document, whose root is returned.</summary>
    /// <param name="text">The YAML text.</param>
    /// <param name="root">The root node; null when the document is empty or on an error.</param>
    /// <param name="error">The line and reason of a syntax error; null when none.</param>
    /// <returns>Whether the text parsed.</returns>
    public static bool TryRead(string text, out YamlTreeNode? root, out (int Line, string Reason)? error)
    {
        var parser = new Parser(new StringReader(text));
        var lastLine = 1;
        var anchors = new Dictionary<string, YamlTreeNode>(StringComparer.Ordinal);
        root = null;
        error = null;

        ParsingEvent Next()
        {
            if (!parser.MoveNext() || parser.Current is null)
            {
                throw new YamlException("unexpected end of the YAML stream");
            }

            lastLine = Math.Max(lastLine, (int)parser.Current.Start.Line);
            return parser.Current;
        }

        YamlTreeNode Node(ParsingEvent current)
        {
            YamlTreeNode node;
            switch (current)
            {
                case Scalar scalar:
                    node = new YamlTreeScalar((int)scalar.Start.Line, scalar.Value, scalar.Style);
                    break;
                case SequenceStart:
                    var items = new List<YamlTreeNode>();
                    for (var e = Next(); e is not SequenceEnd; e = Next())
                    {
                        items.Add(Node(e));
                    }

                    node = new YamlTreeSequence((int)current.Start.Line, items);
                    break;
                case MappingStart:
                    var entries = new List<KeyValuePair<YamlTreeScalar, YamlTreeNode>>();
                    for (var e = Next(); e is not MappingEnd; e = Next())
                    {
                        var key = Node(e) as YamlTreeScalar
                            ?? throw new YamlException(e.Start, e.End, "a mapping key must be plain text, not a list or a mapping");
                        entries.Add(new(key, Node(Next())));
                    }

                    node = new YamlTreeMapping((int)current.Start.Line, entries);
                    break;
                case AnchorAlias alias:
                    return anchors.TryGetValue(alias.Value.Value, out var target)
                        ? target
                        : throw new YamlException(alias.Start, alias.End, $"the alias *{alias.Value.Value} names no anchor defined before it");
                default:
                    throw new YamlException(current.Start, current.End, $"unexpected {current.GetType().Name}");
            }

            if (current is NodeEvent { Anchor.IsEmpty: false } anchored)
            {
                anchors[anchored.Anchor.Value] = node;
            }

            return node;
        }

        try
        {
            Next(); // stream start
            var first = Next();
            if (first is StreamEnd)
            {
                return true;
            }

            root = Node(Next());
            Next(); // document end
            if (Next() is not StreamEnd)
            {
                root = null;
                error = (lastLine, "the file holds more than one YAML document ('---'); a lab file is one document");
                return false;
            }

            return true;
        }
        catch (YamlException e)
        {
            root = null;
            error = (e.Start.Line > 0 ? (int)e.Start.Line : lastLine, e.Message);
            return false;
        }
        catch (InvalidOperationException)
        {
            // YamlDotNet's scanner gives up this way (no position) on some unclosed flow collections.
            root = null;
            error = (lastLine, "malformed YAML after this line (an unclosed '[' or '{'?)");
            return false;
        }
    }
}
