// Ready-to-run client code for one operation, filled with its address, its parameters and the caller's key: curl,
// PHP, JavaScript, Python, Java, and PHP in the manner of MANTRA's adapter (callAPI), so old client code keeps its shape.
// Every snippet calls the MANTRA-compatible JSON path with the key in the AccessKey header.

const sh = (s) => `'${String(s).replace(/'/g, `'\\''`)}'`;
const php = (s) => `'${String(s).replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
const js = (s) => JSON.stringify(String(s));

/** op: {agency, service, operation}; base: the gateway's address; values: {name: sample}; key: the caller's key. */
export function snippets(op, base, values, key) {
  const service = `${base}/json/${op.agency}/${op.service}`;
  const url = `${service}/${op.operation}`;
  const entries = Object.entries(values);
  const phpArray = `[${entries.map(([k, v]) => `${php(k)} => ${php(v)}`).join(', ')}]`;
  const name = op.operation;
  return [
    {
      id: 'curl', file: `${name}.sh`,
      code: `#!/bin/sh
# ${op.agency}/${op.service}/${op.operation} — MANTRA-compatible JSON path
curl -s -X POST -H ${sh(`AccessKey: ${key}`)} \\
${entries.map(([k, v]) => `  --data-urlencode ${sh(`${k}=${v}`)} \\\n`).join('')}  ${sh(url)}
echo
`,
    },
    {
      id: 'php', file: `${name}.php`,
      code: `<?php
// ${op.agency}/${op.service}/${op.operation} — MANTRA-compatible JSON path (PHP 7.4+, no extension needed)
$url = ${php(url)};
$key = ${php(key)};
$params = ${phpArray};
$context = stream_context_create(['http' => [
    'method' => 'POST',
    'header' => "Content-Type: application/x-www-form-urlencoded\\r\\nAccessKey: $key\\r\\n",
    'content' => http_build_query($params),
    'ignore_errors' => true,
]]);
$answer = json_decode(file_get_contents($url, false, $context), true);
if (($answer['response']['status'] ?? 0) != 1) {
    fwrite(STDERR, 'Error ' . ($answer['response']['code'] ?? '?') . ': ' . ($answer['response']['message'] ?? '') . "\\n");
    exit(1);
}
print_r($answer['response']['data'][${php(op.operation)}]);
`,
    },
    {
      id: 'javascript', file: `${name}.mjs`,
      code: `// ${op.agency}/${op.service}/${op.operation} — MANTRA-compatible JSON path (Node.js 18+ or a browser)
const url = ${js(url)};
const key = ${js(key)};
const params = new URLSearchParams(${JSON.stringify(values, null, 2)});

const res = await fetch(url, { method: 'POST', headers: { AccessKey: key }, body: params });
const { response } = await res.json();
if (Number(response.status) !== 1) throw new Error(\`Error \${response.code}: \${response.message}\`);
console.log(Object.values(response.data[${js(op.operation)}]));
`,
    },
    {
      id: 'python', file: `${name}.py`,
      code: `# ${op.agency}/${op.service}/${op.operation} — MANTRA-compatible JSON path (Python 3, standard library only)
import json
import urllib.parse
import urllib.request

url = ${js(url)}
key = ${js(key)}
params = ${JSON.stringify(values)}

request = urllib.request.Request(url, data=urllib.parse.urlencode(params).encode(), headers={"AccessKey": key})
with urllib.request.urlopen(request) as res:
    response = json.load(res)["response"]
if int(response["status"]) != 1:
    raise SystemExit(f"Error {response['code']}: {response['message']}")
for row in response["data"][${js(op.operation)}].values():
    print(row)
`,
    },
    {
      id: 'java', file: 'MantraClient.java',
      code: `// ${op.agency}/${op.service}/${op.operation} — MANTRA-compatible JSON path (Java 11+: java MantraClient.java)
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

public class MantraClient {
    public static void main(String[] args) throws Exception {
        String url = ${js(url)};
        String key = ${js(key)};
        Map<String, String> params = new LinkedHashMap<>();
${entries.map(([k, v]) => `        params.put(${js(k)}, ${js(v)});\n`).join('')}        String form = params.entrySet().stream()
            .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
            .collect(Collectors.joining("&"));
        HttpRequest request = HttpRequest.newBuilder(URI.create(url))
            .header("AccessKey", key)
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString(form))
            .build();
        // HTTP/1.1 as MANTRA servers speak it (no h2c upgrade attempt).
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
        // The answer is MANTRA's envelope: {"response":{"status","code","message","data"}}.
        System.out.println(response.body());
    }
}
`,
    },
    {
      id: 'adapter', file: `${name}-adapter.php`,
      code: `<?php
// ${op.agency}/${op.service}/${op.operation} in the manner of MANTRA's adapter: callAPI($endpoint, $operation,
// $accesskey, $parameter, $callmethod, $outputformat), so code written against the original keeps working.
// REST puts the parameters in the path as k=v&k2=v2 (values encoded twice, as the original did), GET and POST as a
// query string or a form body: the three ways Mantra's compatible paths read parameters. It sends User-Agent: MANTRA and the AccessKey header; the answer is the envelope
// array ['response' => ['status', 'code', 'message', 'data']], or its JSON text with $outputformat 'json'.

function callAPI($endpoint, $operation, $accesskey = '', $parameter = array(), $callmethod = 'REST', $outputformat = 'array')
{
    $callmethod = strtoupper($callmethod);
    $uri = rtrim($endpoint, '/') . ($operation !== '' ? '/' . $operation : '');
    $encoded = array();
    foreach ($parameter as $k => $v) {
        $encoded[$k] = urlencode($v);
    }
    $body = null;
    if ($callmethod === 'REST' && $parameter) {
        $uri .= '/' . http_build_query($encoded);
    } elseif ($callmethod === 'GET' && $parameter) {
        $uri .= '?' . http_build_query($parameter);
    } elseif ($callmethod === 'POST') {
        $body = http_build_query($parameter);
    }
    $headers = "User-Agent: MANTRA\\r\\n" . ($accesskey !== '' ? "AccessKey: $accesskey\\r\\n" : '');
    if ($body !== null) {
        $headers .= "Content-Type: application/x-www-form-urlencoded\\r\\n";
    }
    $context = stream_context_create(array('http' => array(
        'method' => $body === null ? 'GET' : 'POST',
        'header' => $headers,
        'content' => $body === null ? '' : $body,
        'ignore_errors' => true,
        'timeout' => 30,
    )));
    $content = @file_get_contents($uri, false, $context);
    if ($content === false) {
        $answer = array('response' => array('status' => 0, 'code' => 20001, 'message' => 'Tidak dapat menghubungi ' . $uri, 'data' => ''));
    } else {
        $decoded = json_decode($content, true);
        $answer = isset($decoded['response']['status'])
            ? $decoded
            : array('response' => array('status' => 1, 'code' => 200, 'message' => 'OK', 'data' => $decoded === null ? $content : $decoded));
    }
    return $outputformat === 'json' ? json_encode($answer, JSON_PRETTY_PRINT | JSON_FORCE_OBJECT) : $answer;
}

$result = callAPI(${php(service)}, ${php(op.operation)}, ${php(key)}, ${phpArray});
print_r($result);
`,
    },
  ];
}
