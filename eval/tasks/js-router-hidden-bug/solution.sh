sed -i "s|const source = '^/' + parts.join('/') + '\$';|const source = '^/' + parts.join('/') + (parts.length ? '/?' : '') + '\$';|" lib/path.js
