"""Makes the test pictures in this folder (run: python3 make.py). PNGs are written by
hand (zlib), so every colour type is covered; JPEGs through PyMuPDF. Bad files are
cut or forged from good ones. The outputs are committed; this says how they were made."""
import math, struct, zlib
import pymupdf

def chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xffffffff)

def png(width, height, colour_type, rows, palette=None, bit_depth=8):
    out = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, bit_depth, colour_type, 0, 0, 0))
    if palette:
        out += chunk(b"PLTE", bytes(c for rgb in palette for c in rgb))
    raw = b"".join(b"\x00" + row for row in rows)
    return out + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b"")

def write(name, data):
    with open(name, "wb") as f:
        f.write(data)

# RGB, wide: a landscape of bands (1200 x 500 px: 8 in at 150 ppi, wider than the measure).
write("bands.png", png(1200, 500, 2, [bytes(c for x in range(1200) for c in ((x * 255 // 1199), (y * 255 // 499), 128)) for y in range(500)]))
# RGBA: a disc on a transparent ground (400 x 400 px).
def disc(x, y):
    d = math.hypot(x - 200, y - 200)
    a = 255 if d < 150 else (0 if d > 160 else int(255 * (160 - d) / 10))
    return (200, 60, 40, a)
write("disc.png", png(400, 400, 6, [bytes(c for x in range(400) for c in disc(x, y)) for y in range(400)]))
# Grey, small: 90 x 60 px, too few pixels to fill the measure (prints 0.6 in wide).
write("small-grey.png", png(90, 60, 0, [bytes((x * 3 + y * 2) % 256 for x in range(90)) for y in range(60)]))
# Palette, tall: 200 x 1400 px, taller than the text block at 150 ppi: fitted to the height.
write("tall-palette.png", png(200, 1400, 3, [bytes(((x // 20) + (y // 70)) % 4 for x in range(200)) for y in range(1400)], palette=[(30, 30, 120), (220, 200, 60), (40, 140, 70), (240, 240, 240)]))

def jpeg(name, width, height, colourspace, fill):
    pix = pymupdf.Pixmap(colourspace, pymupdf.IRect(0, 0, width, height), False)
    n = pix.n
    samples = bytearray(width * height * n)
    for y in range(height):
        for x in range(width):
            v = fill(x, y)
            samples[(y * width + x) * n:(y * width + x + 1) * n] = bytes(v[:n])
    pix = pymupdf.Pixmap(colourspace, width, height, bytes(samples), False)
    data = pix.tobytes("jpg", jpg_quality=85)
    write(name, data)
    return data

photo = jpeg("photo.jpg", 900, 600, pymupdf.csRGB, lambda x, y: (int(127 + 127 * math.sin(x / 40)), int(127 + 127 * math.cos(y / 30)), (x + y) % 256))
jpeg("grey-portrait.jpg", 300, 450, pymupdf.csGRAY, lambda x, y: ((x // 15 + y // 15) % 2 * 200 + 30,))

write("diagram.svg", b'''<svg xmlns="http://www.w3.org/2000/svg" width="400" height="220" viewBox="0 0 400 220">
  <style>.box { fill: #eef; stroke: #225; stroke-width: 2 } text { font-size: 16px }</style>
  <rect class="box" x="10" y="60" width="110" height="60" rx="8"/>
  <rect class="box" x="145" y="60" width="110" height="60" rx="8"/>
  <rect class="box" x="280" y="60" width="110" height="60" rx="8"/>
  <path d="M120 90 H145 M255 90 H280" stroke="#225" stroke-width="2" marker-end="url(#a)"/>
  <defs><marker id="a" markerWidth="8" markerHeight="8" refX="6" refY="4" orient="auto"><path d="M0,0 L8,4 L0,8 z" fill="#225"/></marker></defs>
  <text x="65" y="95" text-anchor="middle">Markdown</text>
  <text x="200" y="95" text-anchor="middle">model</text>
  <text x="335" y="95" text-anchor="middle">editions</text>
  <text x="200" y="180" text-anchor="middle" font-style="italic">quire, stage by stage</text>
</svg>
''')
write("gradient.svg", b'''<?xml version="1.0" encoding="UTF-8"?>
<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="600" height="300">
  <defs><linearGradient id="g" x1="0" x2="1"><stop offset="0" stop-color="#036"/><stop offset="1" stop-color="#fc6"/></linearGradient></defs>
  <rect width="600" height="300" fill="url(#g)"/>
  <circle cx="300" cy="150" r="100" fill="none" stroke="white" stroke-width="12" opacity="0.7"/>
</svg>
''')
# An SVG whose own references reach out: another file, an absolute path, the web. All refused.
write("reaching.svg", b'''<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="200" height="100">
  <rect width="200" height="100" fill="#9c9"/>
  <image width="50" height="50" xlink:href="../../../Cargo.toml"/>
  <image width="50" height="50" href="/etc/passwd"/>
  <image width="50" height="50" href="https://example.org/tracker.svg"/>
  <image width="50" height="50" href="disc.png"/>
  <image width="50" height="50" href="data:image/png;base64,iVBORw0KGgo="/>
</svg>
''')

# Bad pictures.
bands = open("bands.png", "rb").read()
write("bad-truncated.png", bands[: len(bands) // 2])
write("bad-truncated.jpg", photo[: len(photo) * 2 // 3])
write("bad-malformed.svg", b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10"</svg>')
# A decompression bomb: a header claiming 20000 x 20000 pixels (400 megapixels).
write("bad-bomb.png", b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 20000, 20000, 8, 2, 0, 0, 0)) + chunk(b"IDAT", zlib.compress(b"\x00" * 1000)) + chunk(b"IEND", b""))
write("unsupported.gif", b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00\x00\x00\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;")
