"""Resolves the registration conflicts two module branches always produce (both add an entry,
an export, a re-export, a size budget, a benchmarks section): keep both sides. Used when
merging module branches; run from the repository root during a conflicted merge."""
import json, re, subprocess, sys

def side(path, n):
    return subprocess.run(['git', 'show', f':{n}:{path}'], capture_output=True, text=True, check=True).stdout

def keep_both_text(path):
    s = open(path).read()
    s = re.sub(r"<<<<<<< [^\n]*\n(.*?)=======\n(.*?)>>>>>>> [^\n]*\n", lambda m: m.group(1) + m.group(2), s, flags=re.S)
    open(path, 'w').write(s)

def merge_package():
    ours, theirs = json.loads(side('package.json', 2)), json.loads(side('package.json', 3))
    for key in ['exports', 'scripts', 'dependencies', 'devDependencies', 'peerDependencies']:
        merged = dict(ours.get(key, {}))
        for k, v in theirs.get(key, {}).items():
            merged.setdefault(k, v)
        if key == 'exports':  # keep '.' first and './package.json' last
            pkg_json = merged.pop('./package.json', None)
            merged = {'.': merged.pop('.'), **merged}
            if pkg_json is not None:
                merged['./package.json'] = pkg_json
        ours[key] = merged
    json.dump(ours, open('package.json', 'w'), indent=2)
    open('package.json', 'a').write('\n')

def merge_size_limit():
    ours, theirs = json.loads(side('.size-limit.json', 2)), json.loads(side('.size-limit.json', 3))
    names = {e['name']: e for e in ours}
    for e in theirs:
        if e['name'] in names:
            # the same budget edited on both sides: keep the larger limit
            a, b = names[e['name']], e
            to_kb = lambda x: float(x['limit'].split()[0])
            if to_kb(b) > to_kb(a):
                a['limit'] = b['limit']
        else:
            ours.append(e)
            names[e['name']] = e
    json.dump(ours, open('.size-limit.json', 'w'), indent=2)
    open('.size-limit.json', 'a').write('\n')

for path in sys.argv[1:]:
    if path == 'package.json':
        merge_package()
    elif path == '.size-limit.json':
        merge_size_limit()
    else:
        keep_both_text(path)
