#!/usr/bin/env python3
"""tests/e2e/schema_check.py - validate JSON documents against a JSON
Schema, the subset docs/show-json.schema.json uses: $ref to #/$defs,
oneOf, allOf, type (name or list), enum, required, properties,
additionalProperties (false), items, pattern, minimum.
Usage: schema_check.py SCHEMA DOC... ; prints one error per line, exits 1
on any. A keyword outside the subset is an error too, so the schema
cannot silently say more than is checked."""
import json
import re
import sys

KNOWN = {'$schema', '$id', 'title', 'description', '$defs', '$ref', 'oneOf',
         'allOf', 'type', 'enum', 'required', 'properties',
         'additionalProperties', 'items', 'pattern', 'minimum'}
TYPES = {
    'object': lambda v: isinstance(v, dict),
    'array': lambda v: isinstance(v, list),
    'string': lambda v: isinstance(v, str),
    'integer': lambda v: isinstance(v, int) and not isinstance(v, bool),
    'number': lambda v: isinstance(v, (int, float)) and
    not isinstance(v, bool),
    'boolean': lambda v: isinstance(v, bool),
    'null': lambda v: v is None,
}


def resolve(root, ref):
    if not ref.startswith('#/'):
        raise ValueError('only local $ref: ' + ref)
    node = root
    for part in ref[2:].split('/'):
        node = node[part]
    return node


def errors(root, s, v, path):
    """All the ways v fails schema s (empty list: valid)."""
    unknown = set(s) - KNOWN
    if unknown:
        return ['%s: schema keyword(s) not supported: %s' %
                (path, sorted(unknown))]
    if '$ref' in s:
        e = errors(root, resolve(root, s['$ref']), v, path)
        if e:
            return e
    out = []
    if 'type' in s:
        ts = s['type'] if isinstance(s['type'], list) else [s['type']]
        if not any(TYPES[t](v) for t in ts):
            return ['%s: %r is not of type %s' % (path, v, ts)]
    if 'enum' in s and v not in s['enum']:
        out.append('%s: %r not in %s' % (path, v, s['enum']))
    if 'pattern' in s and isinstance(v, str) and \
            not re.search(s['pattern'], v):
        out.append('%s: %r does not match %s' % (path, v, s['pattern']))
    if 'minimum' in s and TYPES['number'](v) and v < s['minimum']:
        out.append('%s: %r below %s' % (path, v, s['minimum']))
    for sub in s.get('allOf', []):
        out += errors(root, sub, v, path)
    if 'oneOf' in s:
        alts = [errors(root, sub, v, path) for sub in s['oneOf']]
        n = sum(1 for e in alts if not e)
        if n != 1:
            out.append('%s: matches %d of the oneOf alternatives' %
                       (path, n))
        if n == 0:
            out += min(alts, key=len)	# the nearest alternative's errors
    if isinstance(v, dict):
        for k in s.get('required', []):
            if k not in v:
                out.append('%s: missing %r' % (path, k))
        props = s.get('properties', {})
        for k, sub in props.items():
            if k in v:
                out += errors(root, sub, v[k], path + '.' + k)
        if s.get('additionalProperties', True) is False:
            for k in v:
                if k not in props:
                    out.append('%s: unexpected member %r' % (path, k))
    if isinstance(v, list) and 'items' in s:
        for i, item in enumerate(v):
            out += errors(root, s['items'], item, '%s[%d]' % (path, i))
    return out


def main():
    schema = json.load(open(sys.argv[1]))
    bad = 0
    for name in sys.argv[2:]:
        with open(name) as f:
            doc = json.load(f)
        for e in errors(schema, schema, doc, name):
            print(e)
            bad = 1
    sys.exit(bad)


if __name__ == '__main__':
    main()
