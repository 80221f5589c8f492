// What a Native AOT binary is made of, from ILC's .mstat file (publish with -p:IlcGenerateMstatFile=true; the file is
// obj/Release/net10.0/linux-x64/native/forge.mstat). Read with System.Reflection.Metadata the way sizoscope does: the
// <Module> type's methods "Types", "Methods" and "Blobs" hold, as IL, ldtoken/ldstr operands followed by their sizes.
//   dotnet run bench/mstat-summary.cs -- FILE.mstat [TOP] [--grep TEXT]
// Prints the totals, the bytes by "charged" assembly (a generic instantiation is charged to the first non-framework
// assembly among its type arguments, else to its own), by owning assembly and namespace, the largest generic families
// (the definition, every instantiation summed), the largest single entries and the blobs. With --grep, every type and
// method whose name contains TEXT, largest first.
#:property PublishAot=false
#:property TreatWarningsAsErrors=false
#:property EnableNETAnalyzers=false
using System.Collections.Immutable;
using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;
using System.Reflection.PortableExecutable;
using System.Text.RegularExpressions;

var file = args.FirstOrDefault(a => a.EndsWith(".mstat", StringComparison.Ordinal)) ?? throw new ArgumentException("usage: mstat-summary.cs FILE.mstat [TOP] [--grep TEXT]");
var top = args.Select(a => int.TryParse(a, out var n) ? n : 0).FirstOrDefault(n => n > 0, 40);
var grepAt = Array.IndexOf(args, "--grep");
var grep = grepAt >= 0 ? args[grepAt + 1] : null;

using var pe = new PEReader(File.OpenRead(file));
var md = pe.GetMetadataReader();
var version = md.GetAssemblyDefinition().Version;
var provider = new Names(md);
var global = md.GetTypeDefinition(MetadataTokens.TypeDefinitionHandle(1));
var entries = new List<(string Kind, string Name, long Size, long Extra)>();
foreach (var mh in global.GetMethods())
{
    var m = md.GetMethodDefinition(mh);
    var kind = md.GetString(m.Name);
    var ops = Read(pe.GetMethodBody(m.RelativeVirtualAddress).GetILBytes()!);
    // mstat 2.x entry layouts (operands per entry): Types: type size offset; Methods: method size gcInfo ehInfo offset;
    // Blobs: name size; RvaFields: field size offset; FrozenObjects: type size ? ?; ManifestResources: assemblyToken name size.
    var (stride, nameAt, sizeAt, extraAt) = kind switch
    {
        "Types" => (3, 0, 1, Array.Empty<int>()),
        "Methods" => (5, 0, 1, new[] { 2, 3 }),
        "Blobs" => (2, 0, 1, Array.Empty<int>()),
        "RvaFields" => (3, 0, 1, Array.Empty<int>()),
        "FrozenObjects" => (4, 0, 1, Array.Empty<int>()),
        "ManifestResources" => (3, 1, 2, Array.Empty<int>()),
        _ => (0, 0, 0, Array.Empty<int>()),
    };
    if (stride == 0) { if (ops.Count > 0) Console.Error.WriteLine($"skipped unknown section {kind}"); continue; }
    for (var i = 0; i + stride <= ops.Count; i += stride)
    {
        var name = ops[i + nameAt] switch
        {
            int token => provider.Token(token),
            string s => s,
            _ => "?",
        };
        long size = ops[i + sizeAt] is long l ? l : 0;
        long extra = 0;
        foreach (var k in extraAt) extra += ops[i + k] is long x ? x : 0;
        entries.Add((kind, name, size, extra));
    }
}

static List<object> Read(byte[] il)
{
    var list = new List<object>();
    var p = 0;
    while (p < il.Length)
    {
        var op = il[p++];
        switch (op)
        {
            case 0xD0: list.Add(BitConverter.ToInt32(il, p)); p += 4; break;           // ldtoken
            case 0x72: list.Add("\u0001" + BitConverter.ToInt32(il, p)); p += 4; break; // ldstr (user string token)
            case 0x20: list.Add((long)BitConverter.ToInt32(il, p)); p += 4; break;     // ldc.i4
            case 0x1F: list.Add((long)(sbyte)il[p]); p += 1; break;                     // ldc.i4.s
            case >= 0x16 and <= 0x1E: list.Add((long)(op - 0x16)); break;               // ldc.i4.0..8
            case 0x15: list.Add(-1L); break;                                            // ldc.i4.m1
            case 0x26: case 0x2A: case 0x00: break;                                     // pop, ret, nop
            default: throw new InvalidDataException($"opcode 0x{op:X2} at {p - 1}");
        }
    }
    return list;
}

// user strings: resolve the ldstr placeholders
for (var i = 0; i < entries.Count; i++)
{
    var e = entries[i];
    if (e.Name.StartsWith('\u0001'))
        entries[i] = e with { Name = md.GetUserString(MetadataTokens.UserStringHandle(int.Parse(e.Name[1..]) & 0xFFFFFF)) };
}

static string Mb(long b) => (b / 1e6).ToString("0.000");
var assemblyTag = new Regex(@"\[([^\]]+)\]");
static bool Framework(string a) => a is "System.Private.CoreLib" or "mscorlib" or "netstandard" || (a.StartsWith("System.", StringComparison.Ordinal) && a != "System.CommandLine") || a.StartsWith("Microsoft.Win32", StringComparison.Ordinal) || a == "System";
string Charged(string name)
{
    var all = assemblyTag.Matches(name).Select(m => m.Groups[1].Value).ToList();
    return all.FirstOrDefault(a => !Framework(a)) ?? all.FirstOrDefault() ?? "?";
}
string Owner(string name) => assemblyTag.Match(name) is { Success: true } m ? m.Groups[1].Value : "?";
string Family(string name)
{
    // drop every generic argument list: "[A]N.List`1<[B]X>.Add" -> "[A]N.List`1.Add"
    var s = name;
    string prev;
    do { prev = s; s = Regex.Replace(s, @"<[^<>]*>", ""); } while (s != prev);
    return Regex.Replace(s, @"\(.*$", "");
}
string Namespace(string name)
{
    var f = Family(name);
    var m = Regex.Match(f, @"^\[[^\]]+\]([A-Za-z0-9_.]*)\.[^.]+");
    return m.Success ? m.Groups[1].Value : "?";
}

var types = entries.Where(e => e.Kind == "Types").ToList();
var methods = entries.Where(e => e.Kind == "Methods").ToList();
var blobs = entries.Where(e => e.Kind == "Blobs").ToList();
Console.WriteLine($"mstat {version}: {types.Count} types {Mb(types.Sum(t => t.Size))} MB, {methods.Count} methods {Mb(methods.Sum(m => m.Size))} MB code + {Mb(methods.Sum(m => m.Extra))} MB GC/EH info; total {Mb(entries.Sum(e => e.Size + e.Extra))} MB");
foreach (var g in entries.GroupBy(e => e.Kind))
    Console.WriteLine($"  {g.Key}: {g.Count()} entries, {Mb(g.Sum(e => e.Size + e.Extra))} MB");

void Table(string title, IEnumerable<(string Key, long Size, int Count)> rows)
{
    Console.WriteLine();
    Console.WriteLine($"## {title}");
    foreach (var r in rows.OrderByDescending(r => r.Size).Take(top))
        Console.WriteLine($"{Mb(r.Size),9} MB {r.Count,7}  {r.Key}");
}
var members = entries.Where(e => e.Kind is "Types" or "Methods" or "RvaFields" or "FrozenObjects").ToList();
if (grep is not null)
{
    Table($"entries containing '{grep}'", members.Where(e => e.Name.Contains(grep, StringComparison.Ordinal)).Select(e => ($"{e.Kind[0]} {e.Name}", e.Size + e.Extra, 1)));
    Console.WriteLine($"sum: {Mb(members.Where(e => e.Name.Contains(grep, StringComparison.Ordinal)).Sum(e => e.Size + e.Extra))} MB");
    return;
}
Table("by charged assembly (types + code + GC/EH)", members.GroupBy(e => Charged(e.Name)).Select(g => (g.Key, g.Sum(e => e.Size + e.Extra), g.Count())));
Table("by owning assembly", members.GroupBy(e => Owner(e.Name)).Select(g => (g.Key, g.Sum(e => e.Size + e.Extra), g.Count())));
Table("by owning namespace", members.GroupBy(e => Owner(e.Name) + " " + Namespace(e.Name)).Select(g => (g.Key, g.Sum(e => e.Size + e.Extra), g.Count())));
Table("generic families (methods)", methods.Where(e => e.Name.Contains('<')).GroupBy(e => Family(e.Name)).Select(g => (g.Key, g.Sum(e => e.Size + e.Extra), g.Count())));
Table("generic families (types)", types.Where(e => e.Name.Contains('<')).GroupBy(e => Family(e.Name)).Select(g => (g.Key, g.Sum(e => e.Size), g.Count())));
Table("largest entries", members.Select(e => ($"{e.Kind[0]} {e.Name}", e.Size + e.Extra, 1)));
Table("blobs", blobs.Select(b => (b.Name, b.Size, 1)));
Table("manifest resources", entries.Where(e => e.Kind == "ManifestResources").Select(b => (b.Name, b.Size, 1)));
Table("frozen objects by type", entries.Where(e => e.Kind == "FrozenObjects").GroupBy(e => e.Name).Select(g => (g.Key, g.Sum(e => e.Size), g.Count())));
Table("RVA fields by owning assembly", entries.Where(e => e.Kind == "RvaFields").GroupBy(e => Charged(e.Name)).Select(g => (g.Key, g.Sum(e => e.Size), g.Count())));
Table("largest RVA fields", entries.Where(e => e.Kind == "RvaFields").Select(b => (b.Name, b.Size, 1)));

sealed class Names(MetadataReader md) : ISignatureTypeProvider<string, object?>
{
    public string Token(int token)
    {
        var h = MetadataTokens.EntityHandle(token);
        return h.Kind switch
        {
            HandleKind.TypeDefinition => GetTypeFromDefinition(md, (TypeDefinitionHandle)h, 0),
            HandleKind.TypeReference => GetTypeFromReference(md, (TypeReferenceHandle)h, 0),
            HandleKind.TypeSpecification => md.GetTypeSpecification((TypeSpecificationHandle)h).DecodeSignature(this, null),
            HandleKind.MethodDefinition => Method((MethodDefinitionHandle)h),
            HandleKind.MemberReference => Member((MemberReferenceHandle)h),
            HandleKind.MethodSpecification => MethodSpec((MethodSpecificationHandle)h),
            HandleKind.FieldDefinition => "field",
            _ => h.Kind.ToString(),
        };
    }

    string Method(MethodDefinitionHandle h)
    {
        var m = md.GetMethodDefinition(h);
        return GetTypeFromDefinition(md, m.GetDeclaringType(), 0) + "." + md.GetString(m.Name) + Sig(m.DecodeSignature(this, null));
    }

    string Member(MemberReferenceHandle h)
    {
        var m = md.GetMemberReference(h);
        var parent = m.Parent.Kind switch
        {
            HandleKind.TypeDefinition => GetTypeFromDefinition(md, (TypeDefinitionHandle)m.Parent, 0),
            HandleKind.TypeReference => GetTypeFromReference(md, (TypeReferenceHandle)m.Parent, 0),
            HandleKind.TypeSpecification => md.GetTypeSpecification((TypeSpecificationHandle)m.Parent).DecodeSignature(this, null),
            _ => "?",
        };
        var sig = m.GetKind() == MemberReferenceKind.Method ? Sig(m.DecodeMethodSignature(this, null)) : "";
        return parent + "." + md.GetString(m.Name) + sig;
    }

    string MethodSpec(MethodSpecificationHandle h)
    {
        var s = md.GetMethodSpecification(h);
        var args = s.DecodeSignature(this, null);
        var inner = s.Method.Kind == HandleKind.MethodDefinition ? Method((MethodDefinitionHandle)s.Method) : Member((MemberReferenceHandle)s.Method);
        var paren = inner.IndexOf('(');
        return inner[..paren] + "<" + string.Join(",", args) + ">" + inner[paren..];
    }

    static string Sig(MethodSignature<string> s) => "(" + string.Join(",", s.ParameterTypes) + ")";

    public string GetArrayType(string elementType, ArrayShape shape) => elementType + "[" + new string(',', shape.Rank - 1) + "]";
    public string GetByReferenceType(string elementType) => elementType + "&";
    public string GetFunctionPointerType(MethodSignature<string> signature) => "fnptr";
    public string GetGenericInstantiation(string genericType, ImmutableArray<string> typeArguments) => genericType + "<" + string.Join(",", typeArguments) + ">";
    public string GetGenericMethodParameter(object? genericContext, int index) => "!!" + index;
    public string GetGenericTypeParameter(object? genericContext, int index) => "!" + index;
    public string GetModifiedType(string modifier, string unmodifiedType, bool isRequired) => unmodifiedType;
    public string GetPinnedType(string elementType) => elementType;
    public string GetPointerType(string elementType) => elementType + "*";
    public string GetPrimitiveType(PrimitiveTypeCode typeCode) => "[System.Private.CoreLib]System." + typeCode;
    public string GetSZArrayType(string elementType) => elementType + "[]";
    public string GetTypeFromSpecification(MetadataReader reader, object? genericContext, TypeSpecificationHandle handle, byte rawTypeKind) => reader.GetTypeSpecification(handle).DecodeSignature(this, genericContext);

    public string GetTypeFromDefinition(MetadataReader reader, TypeDefinitionHandle handle, byte rawTypeKind)
    {
        var t = reader.GetTypeDefinition(handle);
        var name = reader.GetString(t.Name);
        if (t.IsNested) return GetTypeFromDefinition(reader, t.GetDeclaringType(), 0) + "+" + name;
        return "[mstat]" + Qualified(reader.GetString(t.Namespace), name);
    }

    public string GetTypeFromReference(MetadataReader reader, TypeReferenceHandle handle, byte rawTypeKind)
    {
        var t = reader.GetTypeReference(handle);
        var name = reader.GetString(t.Name);
        return t.ResolutionScope.Kind switch
        {
            HandleKind.TypeReference => GetTypeFromReference(reader, (TypeReferenceHandle)t.ResolutionScope, 0) + "+" + name,
            HandleKind.AssemblyReference => "[" + reader.GetString(reader.GetAssemblyReference((AssemblyReferenceHandle)t.ResolutionScope).Name) + "]" + Qualified(reader.GetString(t.Namespace), name),
            _ => "[?]" + Qualified(reader.GetString(t.Namespace), name),
        };
    }

    static string Qualified(string ns, string name) => ns.Length == 0 ? name : ns + "." + name;
}
