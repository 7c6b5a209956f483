#!/usr/bin/env python3
"""gen-mail.py - deterministic sample-mail generator for skua's demo, tests and benchmarks.

Writes COUNT messages into a Maildir.  The output depends only on the arguments:
the same seed and arguments give the same file names, bytes and mtimes (checked
identical on Python 3.9 to 3.13; needs 3.9+ for Random.randbytes).

    gen-mail.py --seed 1 --count 10000 --out /tmp/Maildir --manifest /tmp/manifest.tsv

Python 3 standard library only.  Run with --help for every option.

Output
  * File names: <epoch>.M<seq>P<seed>.skua-gen:2,<flags> in cur/ (flags from
    F, R, S; about 70% seen), or <epoch>.M<seq>P<seed>.skua-gen in new/ with
    --new.  <epoch> is the message's Date, also set as the file's mtime, and
    dates increase strictly with <seq>, so the newest message has the highest
    number.  Files are written in tmp/ and renamed, so a running IMAP server
    may watch the Maildir.
  * LF line ends (Maildir convention).  The manifest's size is the file size;
    over POP3 or IMAP every LF becomes CRLF, so RETR/RFC822.SIZE report
    size + number of lines.
  * --manifest: <file name> TAB <Message-ID> TAB <size> TAB <decoded subject>.
  * --parts-manifest: one JSON object per message listing every MIME leaf in
    document order with type, charset, filename and the sha256 of the decoded
    content (text as UTF-8), for validators.

Design notes
  * One random.Random(seed) drives the structure of every message in sequence
    order, so message N does not depend on --count: the first 100 messages of a
    --count 1000 run are the messages of a --count 100 run.  --skip N uses that
    to write only messages N+1..COUNT (e.g. "new mail arrives" in a test).
  * The large attachment of a --big-every message comes from its own
    random.Random seeded from (seed, sequence number), so --big-every and
    --max-size change only the big messages, never the others.
  * Bytes are assembled by hand from precomputed paragraphs; the email package
    is not used (it is too slow for 100,000 messages).
  * PNG images use stored (uncompressed) deflate blocks so their bytes do not
    depend on the zlib build.
  * Long RFC 2047 display names and subjects are split into several encoded
    words, sometimes inside a word.  RFC 2047 says the space between adjacent
    encoded words is dropped; Python's email.policy.default wrongly keeps it in
    address headers (CPython issue #128110), email.header.decode_header does not.
"""

import argparse
import binascii
import calendar
import hashlib
import html
import json
import os
import random
import struct
import sys
import time
import zlib
from urllib.parse import quote as _url_quote

# --------------------------------------------------------------------------
# Corpus.  Avoid characters whose mapping differs between converters (wave
# dash, fullwidth tilde, yen/backslash, GB2312 middle dot and dashes) in the
# CJK text, so every MIME decoder gets the same Unicode back.

SENTENCES = {
    "en": [
        "Thanks for sending the draft over; I had a quick look this morning.",
        "The numbers in section {d} don't add up yet, so let's go through them together.",
        "Could you check whether the build on the staging server still fails?",
        "I\u2019ve moved our meeting to Thursday at {h}:30 \u2013 same room as last time.",
        "The invoice total is \u20ac{n}.00 including VAT, payable within 30 days.",
        "Please review the \u201cfinal\u201d version before Friday\u2026",
        "We shipped release {v} yesterday and the feedback so far has been positive.",
        "Remember to bring your laptop charger; the projector cable is still missing.",
        "I'm out of the office until Monday, with limited access to email.",
        "Attached are the notes from the workshop, including the whiteboard photos.",
        "The customer asked whether we can support IMAP IDLE on their older server.",
        "If nobody objects, I will merge the branch after lunch.",
        "Our budget for the next quarter is roughly {n} thousand, give or take.",
        "Let me know if the new schedule works for you and your team.",
        "The train was delayed again, so I\u2019ll join the call from my phone.",
        "Ticket #{n} has been open for three weeks \u2013 can someone take it?",
        "Great work on the migration; it went much smoother than expected.",
        "Don't forget the team dinner at {h}:00 at the usual place.",
        "The backup job finished at {h}:05 and copied {n} files without errors.",
        "I talked to legal and they are fine with the wording in clause {d}.",
        "Can we push the deadline by a week? Two people are off sick.",
        "The caf\u00e9 downstairs now opens at seven, which makes early meetings easier.",
    ],
    "fr": [
        "Merci pour ton message, je regarde \u00e7a d\u00e8s que possible.",
        "La r\u00e9union de jeudi est d\u00e9plac\u00e9e \u00e0 {h} h, m\u00eame salle qu'avant.",
        "Le devis s'\u00e9l\u00e8ve \u00e0 {n} \u20ac hors taxes, livraison comprise.",
        "J'ai corrig\u00e9 les fautes dans le chapitre {d} et relu la conclusion.",
        "Est-ce que tu peux v\u00e9rifier les chiffres du trimestre dernier ?",
        "Le c\u0153ur du probl\u00e8me, c'est la synchronisation des dossiers.",
        "Nous avons re\u00e7u la commande n\u00b0 {n} ce matin.",
        "Bonne nouvelle : la mise en production s'est tr\u00e8s bien pass\u00e9e.",
        "Je serai en cong\u00e9 \u00e0 partir du {d} ; H\u00e9l\u00e8ne me remplace.",
        "N'oublie pas d'apporter les cl\u00e9s du b\u00e2timent B.",
        "Les \u00e9l\u00e8ves ont ador\u00e9 la sortie au mus\u00e9e, m\u00eame sous la pluie.",
        "Voici le compte rendu de l'atelier, avec les d\u00e9cisions prises.",
        "On se retrouve \u00e0 la gare \u00e0 {h} h 15 ?",
        "Il faudrait mettre \u00e0 jour la documentation avant la r\u00e9union.",
        "Le serveur de sauvegarde a red\u00e9marr\u00e9 deux fois cette semaine.",
    ],
    "de": [
        "Vielen Dank f\u00fcr die schnelle R\u00fcckmeldung.",
        "Die Besprechung am Donnerstag verschiebt sich auf {h}:00 Uhr.",
        "K\u00f6nntest du bitte die Zahlen f\u00fcr das dritte Quartal pr\u00fcfen?",
        "Die Rechnung \u00fcber {n},00 \u20ac ist gestern eingegangen.",
        "Wir m\u00fcssen die Gr\u00f6\u00dfe der Anh\u00e4nge noch reduzieren.",
        "Im B\u00fcro ist die Heizung wieder ausgefallen, also arbeite ich heute von zu Hause.",
        "Das Stra\u00dfenfest findet trotz des Wetters statt.",
        "Bitte schick mir die Pr\u00e4sentation bis Freitag.",
        "Der Server in S\u00fcddeutschland l\u00e4uft seit {d} Tagen ohne Neustart.",
        "Gr\u00fc\u00dfe an das ganze Team und sch\u00f6nes Wochenende!",
        "Ich habe die \u00c4nderungen \u00fcbernommen und die Tests laufen gr\u00fcn.",
        "Die \u00dcbergabe an den Kunden ist f\u00fcr n\u00e4chste Woche geplant.",
        "Laut Protokoll wurden {n} Nachrichten ohne Fehler zugestellt.",
    ],
    "es": [
        "Gracias por tu mensaje, lo reviso ma\u00f1ana temprano.",
        "\u00bfPodr\u00edas confirmar la reuni\u00f3n del jueves a las {h}:00?",
        "El presupuesto para el a\u00f1o que viene todav\u00eda no est\u00e1 aprobado.",
        "Te env\u00edo el informe con las correcciones que comentamos.",
        "La se\u00f1al del a\u00f1o pasado era mucho m\u00e1s d\u00e9bil en la monta\u00f1a.",
        "\u00a1Enhorabuena por el lanzamiento de la versi\u00f3n {v}!",
        "Ma\u00f1ana no estar\u00e9 en la oficina; ll\u00e1mame al m\u00f3vil si hace falta.",
        "El pedido n\u00famero {n} lleg\u00f3 incompleto, faltan dos cajas.",
        "Seg\u00fan el cronograma, la migraci\u00f3n termina en {d} d\u00edas.",
        "Nos vemos en la cafeter\u00eda de la esquina despu\u00e9s del almuerzo.",
        "El servidor de correo ya acepta conexiones cifradas.",
    ],
    "ru": [
        "\u0421\u043f\u0430\u0441\u0438\u0431\u043e \u0437\u0430 \u043f\u0438\u0441\u044c\u043c\u043e, \u043f\u043e\u0441\u043c\u043e\u0442\u0440\u044e \u0441\u0435\u0433\u043e\u0434\u043d\u044f \u0432\u0435\u0447\u0435\u0440\u043e\u043c.",
        "\u0412\u0441\u0442\u0440\u0435\u0447\u0430 \u0432 \u0447\u0435\u0442\u0432\u0435\u0440\u0433 \u043f\u0435\u0440\u0435\u043d\u043e\u0441\u0438\u0442\u0441\u044f \u043d\u0430 {h}:00.",
        "\u041f\u043e\u0436\u0430\u043b\u0443\u0439\u0441\u0442\u0430, \u043f\u0440\u043e\u0432\u0435\u0440\u044c \u0446\u0438\u0444\u0440\u044b \u0437\u0430 \u0442\u0440\u0435\u0442\u0438\u0439 \u043a\u0432\u0430\u0440\u0442\u0430\u043b.",
        "\u0421\u0447\u0451\u0442 \u043d\u0430 {n} \u0440\u0443\u0431\u043b\u0435\u0439 \u043e\u043f\u043b\u0430\u0447\u0435\u043d \u0432\u0447\u0435\u0440\u0430.",
        "\u0421\u0435\u0440\u0432\u0435\u0440 \u0441\u043d\u043e\u0432\u0430 \u043f\u0435\u0440\u0435\u0437\u0430\u0433\u0440\u0443\u0437\u0438\u043b\u0441\u044f \u043d\u043e\u0447\u044c\u044e, \u043b\u043e\u0433\u0438 \u0432\u043e \u0432\u043b\u043e\u0436\u0435\u043d\u0438\u0438.",
        "\u0414\u0430\u0432\u0430\u0439 \u043e\u0431\u0441\u0443\u0434\u0438\u043c \u043f\u043b\u0430\u043d \u0440\u0430\u0431\u043e\u0442 \u043d\u0430 \u0441\u043b\u0435\u0434\u0443\u044e\u0449\u0435\u0439 \u043d\u0435\u0434\u0435\u043b\u0435.",
        "\u041e\u0442\u0447\u0451\u0442 \u043f\u043e\u0447\u0442\u0438 \u0433\u043e\u0442\u043e\u0432, \u043e\u0441\u0442\u0430\u043b\u043e\u0441\u044c \u0434\u043e\u0431\u0430\u0432\u0438\u0442\u044c \u0432\u044b\u0432\u043e\u0434\u044b.",
        "\u041f\u043e\u0437\u0434\u0440\u0430\u0432\u043b\u044f\u044e \u0441 \u0443\u0441\u043f\u0435\u0448\u043d\u044b\u043c \u0437\u0430\u043f\u0443\u0441\u043a\u043e\u043c \u0432\u0435\u0440\u0441\u0438\u0438 {v}!",
        "\u042f \u0431\u0443\u0434\u0443 \u0432 \u043e\u0442\u043f\u0443\u0441\u043a\u0435 \u0434\u043e {d} \u0447\u0438\u0441\u043b\u0430, \u043f\u0438\u0448\u0438 \u043d\u0430 \u043b\u0438\u0447\u043d\u0443\u044e \u043f\u043e\u0447\u0442\u0443.",
        "\u041d\u043e\u0432\u044b\u0439 \u0441\u043e\u0442\u0440\u0443\u0434\u043d\u0438\u043a \u043d\u0430\u0447\u0438\u043d\u0430\u0435\u0442 \u0440\u0430\u0431\u043e\u0442\u0443 \u0432 \u043f\u043e\u043d\u0435\u0434\u0435\u043b\u044c\u043d\u0438\u043a.",
        "\u041d\u0435 \u0437\u0430\u0431\u0443\u0434\u044c \u0432\u0437\u044f\u0442\u044c \u043a\u043b\u044e\u0447\u0438 \u043e\u0442 \u0441\u043a\u043b\u0430\u0434\u0430.",
        "\u041f\u0440\u0435\u0437\u0435\u043d\u0442\u0430\u0446\u0438\u044f \u043f\u043e\u043b\u0443\u0447\u0438\u043b\u0430\u0441\u044c \u043e\u0442\u043b\u0438\u0447\u043d\u0430\u044f, \u043a\u043b\u0438\u0435\u043d\u0442\u0443 \u043f\u043e\u043d\u0440\u0430\u0432\u0438\u043b\u043e\u0441\u044c.",
    ],
    "el": [
        "\u0395\u03c5\u03c7\u03b1\u03c1\u03b9\u03c3\u03c4\u03ce \u03b3\u03b9\u03b1 \u03c4\u03bf \u03bc\u03ae\u03bd\u03c5\u03bc\u03ac \u03c3\u03bf\u03c5, \u03b8\u03b1 \u03c4\u03bf \u03ba\u03bf\u03b9\u03c4\u03ac\u03be\u03c9 \u03b1\u03cd\u03c1\u03b9\u03bf.",
        "\u0397 \u03c3\u03c5\u03bd\u03ac\u03bd\u03c4\u03b7\u03c3\u03b7 \u03c4\u03b7\u03c2 \u03a0\u03ad\u03bc\u03c0\u03c4\u03b7\u03c2 \u03bc\u03b5\u03c4\u03b1\u03c6\u03ad\u03c1\u03b5\u03c4\u03b1\u03b9 \u03c3\u03c4\u03b9\u03c2 {h}:00.",
        "\u03a3\u03bf\u03c5 \u03c3\u03c4\u03ad\u03bb\u03bd\u03c9 \u03c4\u03b7\u03bd \u03b1\u03bd\u03b1\u03c6\u03bf\u03c1\u03ac \u03bc\u03b5 \u03c4\u03b9\u03c2 \u03b4\u03b9\u03bf\u03c1\u03b8\u03ce\u03c3\u03b5\u03b9\u03c2.",
        "\u039f \u03b4\u03b9\u03b1\u03ba\u03bf\u03bc\u03b9\u03c3\u03c4\u03ae\u03c2 \u03b5\u03c0\u03b1\u03bd\u03b5\u03ba\u03ba\u03b9\u03bd\u03ae\u03b8\u03b7\u03ba\u03b5 \u03be\u03b1\u03bd\u03ac \u03c7\u03b8\u03b5\u03c2 \u03c4\u03bf \u03b2\u03c1\u03ac\u03b4\u03c5.",
        "\u039a\u03b1\u03bb\u03cc \u03a3\u03b1\u03b2\u03b2\u03b1\u03c4\u03bf\u03ba\u03cd\u03c1\u03b9\u03b1\u03ba\u03bf \u03c3\u03b5 \u03cc\u03bb\u03bf\u03c5\u03c2!",
        "\u0397 \u03bd\u03ad\u03b1 \u03ad\u03ba\u03b4\u03bf\u03c3\u03b7 {v} \u03ba\u03c5\u03ba\u03bb\u03bf\u03c6\u03cc\u03c1\u03b7\u03c3\u03b5 \u03c3\u03ae\u03bc\u03b5\u03c1\u03b1.",
        "\u03a0\u03b1\u03c1\u03b1\u03ba\u03b1\u03bb\u03ce \u03b5\u03c0\u03b9\u03b2\u03b5\u03b2\u03b1\u03b9\u03ce\u03c3\u03c4\u03b5 \u03c4\u03b7\u03bd \u03c0\u03b1\u03c1\u03b1\u03b3\u03b3\u03b5\u03bb\u03af\u03b1 \u03b1\u03c1\u03b9\u03b8\u03bc\u03cc\u03c2 {n}.",
        "\u03a4\u03bf \u03c3\u03c5\u03bd\u03ad\u03b4\u03c1\u03b9\u03bf \u03be\u03b5\u03ba\u03b9\u03bd\u03ac\u03b5\u03b9 \u03c3\u03c4\u03b9\u03c2 {d} \u03c4\u03bf\u03c5 \u03bc\u03ae\u03bd\u03b1.",
    ],
    "ja": [
        "\u304a\u75b2\u308c\u3055\u307e\u3067\u3059\u3002\u8cc7\u6599\u3092\u78ba\u8a8d\u3057\u307e\u3057\u305f\u3002",
        "\u660e\u65e5\u306e\u4f1a\u8b70\u306f{h}\u6642\u304b\u3089\u306b\u5909\u66f4\u306b\u306a\u308a\u307e\u3057\u305f\u3002",
        "\u898b\u7a4d\u66f8\u3092\u6dfb\u4ed8\u3057\u307e\u3059\u306e\u3067\u3001\u3054\u78ba\u8a8d\u304f\u3060\u3055\u3044\u3002",
        "\u30b5\u30fc\u30d0\u30fc\u306e\u518d\u8d77\u52d5\u306f\u4eca\u591c{h}\u6642\u306b\u4e88\u5b9a\u3057\u3066\u3044\u307e\u3059\u3002",
        "\u5148\u65e5\u306e\u6253\u3061\u5408\u308f\u305b\u3067\u306f\u5927\u5909\u304a\u4e16\u8a71\u306b\u306a\u308a\u307e\u3057\u305f\u3002",
        "\u7b2c{d}\u7ae0\u306e\u4fee\u6b63\u304c\u7d42\u308f\u308a\u307e\u3057\u305f\u306e\u3067\u3001\u30ec\u30d3\u30e5\u30fc\u3092\u304a\u9858\u3044\u3057\u307e\u3059\u3002",
        "\u6765\u9031\u306e\u51fa\u5f35\u306e\u4ef6\u3001\u30db\u30c6\u30eb\u306e\u4e88\u7d04\u306f\u6e08\u3093\u3067\u3044\u307e\u3059\u3002",
        "\u65b0\u3057\u3044\u30d0\u30fc\u30b8\u30e7\u30f3{v}\u3092\u672c\u756a\u74b0\u5883\u306b\u30ea\u30ea\u30fc\u30b9\u3057\u307e\u3057\u305f\u3002",
        "\u304a\u624b\u6570\u3067\u3059\u304c\u3001\u8acb\u6c42\u66f8\u306e\u91d1\u984d\u3092\u518d\u5ea6\u3054\u78ba\u8a8d\u3044\u305f\u3060\u3051\u307e\u3059\u3067\u3057\u3087\u3046\u304b\u3002",
        "\u6771\u4eac\u306f\u4eca\u65e5\u3082\u96e8\u3067\u3001\u5c11\u3057\u808c\u5bd2\u3044\u3067\u3059\u3002",
        "\u30d7\u30ed\u30b8\u30a7\u30af\u30c8\u306e\u9032\u6357\u306b\u3064\u3044\u3066\u7c21\u5358\u306b\u307e\u3068\u3081\u307e\u3057\u305f\u3002",
        "\u3054\u8cea\u554f\u304c\u3042\u308c\u3070\u3001\u3044\u3064\u3067\u3082\u3054\u9023\u7d61\u304f\u3060\u3055\u3044\u3002",
        "\u30ab\u30bf\u30ab\u30ca\u3068\u3072\u3089\u304c\u306a\u3068\u6f22\u5b57\u304c\u6df7\u3056\u3063\u305f\u6587\u7ae0\u306e\u8868\u793a\u30c6\u30b9\u30c8\u3067\u3059\u3002",
        "\u6ce8\u6587\u756a\u53f7{n}\u306e\u5546\u54c1\u306f\u672c\u65e5\u767a\u9001\u3044\u305f\u3057\u307e\u3057\u305f\u3002",
    ],
    "zh": [
        "\u8c22\u8c22\u4f60\u7684\u90ae\u4ef6\uff0c\u6211\u4eca\u5929\u4e0b\u5348\u4f1a\u4ed4\u7ec6\u770b\u4e00\u4e0b\u3002",
        "\u5468\u56db\u7684\u4f1a\u8bae\u6539\u5230{h}\u70b9\uff0c\u5730\u70b9\u4e0d\u53d8\u3002",
        "\u9644\u4ef6\u662f\u672c\u5b63\u5ea6\u7684\u9500\u552e\u62a5\u544a\uff0c\u8bf7\u67e5\u6536\u3002",
        "\u670d\u52a1\u5668\u6628\u665a\u53c8\u91cd\u542f\u4e86\u4e00\u6b21\uff0c\u65e5\u5fd7\u5df2\u7ecf\u4e0a\u4f20\u3002",
        "\u65b0\u7248\u672c{v}\u5df2\u7ecf\u53d1\u5e03\uff0c\u7528\u6237\u53cd\u9988\u5f88\u597d\u3002",
        "\u8bf7\u5728\u5468\u4e94\u4e4b\u524d\u786e\u8ba4\u5408\u540c\u7684\u6700\u7ec8\u7248\u672c\u3002",
        "\u6211\u4e0b\u5468\u51fa\u5dee\uff0c\u6709\u6025\u4e8b\u8bf7\u6253\u6211\u624b\u673a\u3002",
        "\u8ba2\u5355{n}\u53f7\u4eca\u5929\u4e0a\u5348\u5df2\u7ecf\u53d1\u8d27\u3002",
        "\u8fd9\u4e2a\u95ee\u9898\u6211\u4eec\u9700\u8981\u548c\u5ba2\u6237\u518d\u6c9f\u901a\u4e00\u4e0b\u3002",
        "\u795d\u5927\u5bb6\u5468\u672b\u6109\u5feb\uff01",
        "\u7b2c{d}\u9875\u7684\u6570\u636e\u597d\u50cf\u6709\u8bef\uff0c\u9ebb\u70e6\u6838\u5bf9\u4e00\u4e0b\u3002",
        "\u4f1a\u8bae\u7eaa\u8981\u5df2\u7ecf\u6574\u7406\u597d\u4e86\uff0c\u653e\u5728\u5171\u4eab\u6587\u4ef6\u5939\u91cc\u3002",
        "\u9648\u5586\u8d1f\u8d23\u8fd9\u4e2a\u9879\u76ee\u7684\u6d4b\u8bd5\u5de5\u4f5c\u3002",
    ],
    "ko": [
        "\uba54\uc77c \uac10\uc0ac\ud569\ub2c8\ub2e4. \uc624\ub298 \uc911\uc73c\ub85c \ud655\uc778\ud558\uaca0\uc2b5\ub2c8\ub2e4.",
        "\ubaa9\uc694\uc77c \ud68c\uc758\ub294 {h}\uc2dc\ub85c \ubcc0\uacbd\ub418\uc5c8\uc2b5\ub2c8\ub2e4.",
        "\ucca8\ubd80\ud55c \ubcf4\uace0\uc11c\ub97c \uac80\ud1a0\ud574 \uc8fc\uc138\uc694.",
        "\uc11c\ubc84\uac00 \uc5b4\uc82f\ubc24\uc5d0 \ub2e4\uc2dc \uc7ac\uc2dc\uc791\ub418\uc5c8\uc2b5\ub2c8\ub2e4.",
        "\uc0c8 \ubc84\uc804 {v}\uc774 \ubc30\ud3ec\ub418\uc5c8\uc2b5\ub2c8\ub2e4.",
        "\ub2e4\uc74c \uc8fc\uc5d0 \ucd9c\uc7a5\uc774 \uc788\uc5b4\uc11c \uc5f0\ub77d\uc774 \ub2a6\uc744 \uc218 \uc788\uc2b5\ub2c8\ub2e4.",
        "\uc8fc\ubb38 \ubc88\ud638 {n}\ubc88\uc740 \uc624\ub298 \uc624\uc804\uc5d0 \ubc1c\uc1a1\ub418\uc5c8\uc2b5\ub2c8\ub2e4.",
        "\uc88b\uc740 \uc8fc\ub9d0 \ubcf4\ub0b4\uc138\uc694!",
        "\ud68c\uc758\ub85d\uc744 \uacf5\uc720 \ud3f4\ub354\uc5d0 \uc62c\ub824 \ub450\uc5c8\uc2b5\ub2c8\ub2e4.",
        "\uacac\uc801\uc11c \uae08\uc561\uc744 \ub2e4\uc2dc \ud55c \ubc88 \ud655\uc778\ud574 \uc8fc\uc2dc\uaca0\uc5b4\uc694?",
        "\uc81c{d}\uc7a5 \uc218\uc815\uc774 \ub05d\ub0ac\uc2b5\ub2c8\ub2e4.",
    ],
}

SUBJECTS = {
    "en": [
        "Quarterly report {n}", "Lunch on Friday?", "Build failed on main ({n})", "Invoice #{n}",
        "\u201cDraft\u201d proposal \u2013 comments welcome", "Meeting notes {d}/{h}",
        "Release {v} is out", "Question about the IMAP server", "Your order {n} has shipped",
        "Minutes of the architecture review meeting, including action items and owners for the next quarter",
        "Weekend plans", "Re-org update", "Holiday schedule", "Can you review PR {n}?",
        "Team offsite \u2013 logistics", "Server maintenance tonight", "R\u00e9sum\u00e9 for \u5c71\u7530\u3055\u3093",
        "Caf\u00e9 order for the workshop", "Status: {n} tickets left",
    ],
    "fr": [
        "Compte rendu de la r\u00e9union du {d}", "Devis n\u00b0 {n}", "Question sur le c\u0153ur du syst\u00e8me",
        "D\u00e9jeuner vendredi ?", "Mise \u00e0 jour de la documentation", "Vacances d'\u00e9t\u00e9",
        "Facture {n} \u2013 relance",
    ],
    "de": [
        "R\u00fcckfrage zur Rechnung {n}", "Besprechung am Donnerstag", "\u00c4nderungen im Projektplan",
        "Gr\u00fc\u00dfe aus M\u00fcnchen", "Gr\u00f6\u00dfenbeschr\u00e4nkung f\u00fcr Anh\u00e4nge", "Urlaubsvertretung",
    ],
    "es": [
        "Reuni\u00f3n del jueves", "Presupuesto {n}", "\u00bfComemos ma\u00f1ana?", "Informe de avance",
        "Cambios en el calendario", "Felicitaciones por la versi\u00f3n {v}",
    ],
    "ru": [
        "\u041e\u0442\u0447\u0451\u0442 \u0437\u0430 \u043a\u0432\u0430\u0440\u0442\u0430\u043b",
        "\u0412\u0441\u0442\u0440\u0435\u0447\u0430 \u0432 \u0447\u0435\u0442\u0432\u0435\u0440\u0433",
        "\u0421\u0447\u0451\u0442 \u2116{n}",
        "\u0412\u043e\u043f\u0440\u043e\u0441 \u043f\u043e \u0441\u0435\u0440\u0432\u0435\u0440\u0443",
        "\u041f\u043b\u0430\u043d \u043d\u0430 \u0441\u043b\u0435\u0434\u0443\u044e\u0449\u0443\u044e \u043d\u0435\u0434\u0435\u043b\u044e",
        "\u041f\u043e\u0437\u0434\u0440\u0430\u0432\u043b\u044f\u044e!",
    ],
    "el": [
        "\u03a3\u03c5\u03bd\u03ac\u03bd\u03c4\u03b7\u03c3\u03b7 \u03c4\u03b7\u03bd \u03a0\u03ad\u03bc\u03c0\u03c4\u03b7",
        "\u0391\u03bd\u03b1\u03c6\u03bf\u03c1\u03ac \u03c4\u03c1\u03b9\u03bc\u03ae\u03bd\u03bf\u03c5",
        "\u03a0\u03b1\u03c1\u03b1\u03b3\u03b3\u03b5\u03bb\u03af\u03b1 {n}",
    ],
    "ja": [
        "\u4f1a\u8b70\u306e\u65e5\u7a0b\u306b\u3064\u3044\u3066", "\u898b\u7a4d\u66f8\u306e\u9001\u4ed8\uff08No.{n}\uff09",
        "\u3010\u91cd\u8981\u3011\u30b5\u30fc\u30d0\u30fc\u30e1\u30f3\u30c6\u30ca\u30f3\u30b9\u306e\u304a\u77e5\u3089\u305b",
        "\u8cc7\u6599\u306e\u3054\u78ba\u8a8d\u306e\u304a\u9858\u3044", "\u51fa\u5f35\u306e\u4ef6",
        "\u30ea\u30ea\u30fc\u30b9{v}\u306e\u304a\u77e5\u3089\u305b",
        "\u6765\u9031\u306e\u5b9a\u4f8b\u4f1a\u8b70\u306e\u8b70\u984c\u3068\u3001\u524d\u56de\u306e\u8b70\u4e8b\u9332\u306b\u3064\u3044\u3066\u306e\u78ba\u8a8d\u4e8b\u9805",
    ],
    "zh": [
        "\u5173\u4e8e\u5468\u56db\u4f1a\u8bae\u7684\u5b89\u6392", "\u672c\u5b63\u5ea6\u9500\u552e\u62a5\u544a",
        "\u8ba2\u5355{n}\u53f7\u53d1\u8d27\u901a\u77e5", "\u5408\u540c\u6700\u7ec8\u7248\u672c\u786e\u8ba4",
        "\u670d\u52a1\u5668\u7ef4\u62a4\u901a\u77e5", "\u5468\u672b\u805a\u9910",
    ],
    "ko": [
        "\ud68c\uc758 \uc77c\uc815 \ubcc0\uacbd \uc548\ub0b4", "\uacac\uc801\uc11c \uc1a1\ubd80 ({n})",
        "\uc8fc\uac04 \ubcf4\uace0\uc11c", "\uc11c\ubc84 \uc810\uac80 \uc548\ub0b4", "\ucd9c\uc7a5 \uad00\ub828 \ubb38\uc758",
    ],
}

EMOJI_SUBJECTS = [
    "\U0001f389 Party on Friday!", "Launch day \U0001f680", "Coffee? \u2615", "Happy birthday \U0001f382",
    "\U0001f44d Approved: budget {n}", "\u30d1\u30fc\u30c6\u30a3\u30fc\U0001f389\u306e\u304a\u77e5\u3089\u305b",
    "\u041e\u0442\u043f\u0443\u0441\u043a \U0001f334", "\U0001f469\u200d\U0001f4bb Hackathon sign-up",
    "Photos from \U0001f1ef\U0001f1f5 trip",
]

EMOJI_LINES = [
    "\U0001f389 Congrats everyone, this was a big one!", "Great job \U0001f44d", "See you there \U0001f600",
    "Coffee \u2615 at three?", "\U0001f680 Launch day!", "Happy birthday \U0001f382\U0001f388",
    "Thanks a lot \U0001f64f", "\U0001f469\u200d\U0001f4bb working from home today",
    "\U0001f1ef\U0001f1f5 trip photos coming soon",
]

GREETINGS = {
    "en": ["Hi all,", "Hello,", "Hi,", "Dear colleagues,"],
    "fr": ["Bonjour,", "Salut,", "Bonjour \u00e0 tous,"],
    "de": ["Hallo zusammen,", "Hallo,", "Liebe Kolleginnen und Kollegen,"],
    "es": ["Hola:", "Buenos d\u00edas,", "Hola a todos,"],
    "ru": ["\u041f\u0440\u0438\u0432\u0435\u0442!", "\u0414\u043e\u0431\u0440\u044b\u0439 \u0434\u0435\u043d\u044c!",
           "\u041a\u043e\u043b\u043b\u0435\u0433\u0438,"],
    "el": ["\u0393\u03b5\u03b9\u03b1 \u03c3\u03b1\u03c2,", "\u039a\u03b1\u03bb\u03b7\u03bc\u03ad\u03c1\u03b1,"],
    "ja": ["\u7686\u3055\u307e", "\u304a\u75b2\u308c\u69d8\u3067\u3059\u3002", "\u3044\u3064\u3082\u304a\u4e16\u8a71\u306b\u306a\u3063\u3066\u304a\u308a\u307e\u3059\u3002"],
    "zh": ["\u5927\u5bb6\u597d\uff1a", "\u60a8\u597d\uff1a"],
    "ko": ["\uc548\ub155\ud558\uc138\uc694.", "\ubaa8\ub450 \uc548\ub155\ud558\uc138\uc694."],
}

SIGNOFFS = {
    "en": ["Best regards,", "Cheers,", "Thanks,"],
    "fr": ["Cordialement,", "Bien \u00e0 toi,", "\u00c0 bient\u00f4t,"],
    "de": ["Viele Gr\u00fc\u00dfe", "Beste Gr\u00fc\u00dfe", "Danke und Gru\u00df"],
    "es": ["Saludos,", "Un abrazo,"],
    "ru": ["\u0421 \u0443\u0432\u0430\u0436\u0435\u043d\u0438\u0435\u043c,", "\u0421\u043f\u0430\u0441\u0438\u0431\u043e,"],
    "el": ["\u039c\u03b5 \u03b5\u03ba\u03c4\u03af\u03bc\u03b7\u03c3\u03b7,"],
    "ja": ["\u3088\u308d\u3057\u304f\u304a\u9858\u3044\u3044\u305f\u3057\u307e\u3059\u3002"],
    "zh": ["\u8c22\u8c22\uff01", "\u6b64\u81f4\u656c\u793c"],
    "ko": ["\uac10\uc0ac\ud569\ub2c8\ub2e4.", "\uc218\uace0\ud558\uc138\uc694."],
}

# "{date}" and "{name}" are substituted.
ATTRIBUTION = {
    "en": "On {date}, {name} wrote:",
    "fr": "Le {date}, {name} a \u00e9crit :",
    "de": "Am {date} schrieb {name}:",
    "es": "El {date}, {name} escribi\u00f3:",
    "ru": "{date}, {name} \u043f\u0438\u0448\u0435\u0442:",
    "el": "\u03a3\u03c4\u03b9\u03c2 {date}, \u03bf/\u03b7 {name} \u03ad\u03b3\u03c1\u03b1\u03c8\u03b5:",
    "ja": "{date}\u3001{name} \u3055\u3093\u306f\u66f8\u304d\u307e\u3057\u305f:",
    "zh": "{name} \u4e8e {date} \u5199\u9053\uff1a",
    "ko": "{date}\uc5d0 {name} \ub2d8\uc774 \uc791\uc131:",
}

# Sentence that introduces the large attachment of a --big-every message.
# "{file}" and "{size}" are ASCII.  Must be encodable in every charset of the
# language (checked at start-up) so adding it never changes the charset choice.
BIG_NOTE = {
    "en": "I have attached {file} ({size}). It is a large file, so please download it on a fast connection.",
    "fr": "Vous trouverez {file} ({size}) en pi\u00e8ce jointe. Le fichier est volumineux.",
    "de": "Im Anhang findest du {file} ({size}). Die Datei ist ziemlich gro\u00df.",
    "es": "Adjunto {file} ({size}). Es un archivo grande, desc\u00e1rgalo con buena conexi\u00f3n.",
    "ru": "\u0412\u043e \u0432\u043b\u043e\u0436\u0435\u043d\u0438\u0438 {file} ({size}). \u0424\u0430\u0439\u043b \u0431\u043e\u043b\u044c\u0448\u043e\u0439.",
    "el": "\u03a3\u03c4\u03bf \u03c3\u03c5\u03bd\u03b7\u03bc\u03bc\u03ad\u03bd\u03bf {file} ({size}). \u03a4\u03bf \u03b1\u03c1\u03c7\u03b5\u03af\u03bf \u03b5\u03af\u03bd\u03b1\u03b9 \u03bc\u03b5\u03b3\u03ac\u03bb\u03bf.",
    "ja": "{file}\uff08{size}\uff09\u3092\u6dfb\u4ed8\u3057\u307e\u3059\u3002\u5927\u304d\u306a\u30d5\u30a1\u30a4\u30eb\u3067\u3059\u3002",
    "zh": "\u9644\u4ef6\u662f{file}\uff08{size}\uff09\uff0c\u6587\u4ef6\u6bd4\u8f83\u5927\u3002",
    "ko": "{file} ({size}) \ud30c\uc77c\uc744 \ucca8\ubd80\ud569\ub2c8\ub2e4. \ud30c\uc77c\uc774 \ud07d\ub2c8\ub2e4.",
}

# Charsets a body or header in each language may be written in; the first
# encodable ones are candidates (utf-8 is always possible).
LANG_CHARSETS = {
    "en": ["us-ascii", "utf-8", "utf-8", "iso-8859-1", "windows-1252"],
    "fr": ["iso-8859-1", "iso-8859-15", "windows-1252", "utf-8", "utf-8"],
    "de": ["iso-8859-1", "iso-8859-15", "windows-1252", "utf-8", "utf-8"],
    "es": ["iso-8859-1", "windows-1252", "utf-8", "utf-8"],
    "ru": ["koi8-r", "koi8-r", "windows-1251", "utf-8", "utf-8"],
    "el": ["iso-8859-7", "utf-8"],
    "ja": ["iso-2022-jp", "iso-2022-jp", "shift_jis", "euc-jp", "utf-8", "utf-8"],
    "zh": ["gb2312", "gb2312", "gbk", "gb18030", "utf-8", "utf-8"],
    "ko": ["euc-kr", "euc-kr", "utf-8", "utf-8"],
}
SPACE_LANGS = ("en", "fr", "de", "es", "ru", "el", "ko")
LANG_WEIGHTS = [("en", 36), ("fr", 8), ("de", 8), ("es", 6), ("ru", 10), ("el", 3),
                ("ja", 12), ("zh", 11), ("ko", 6)]

# (display name or "", local part, domain, language, UTC offset in minutes,
#  charsets for the display name, relative sending frequency)
PEOPLE = [
    ("Alice Johnson", "alice", "example.com", "en", -300, ["us-ascii"], 9),
    ("Bob Smith", "bob.smith", "example.net", "en", -480, ["us-ascii"], 6),
    ("Carol O'Neil", "carol", "example.com", "en", 0, ["us-ascii"], 4),
    ("Smith, David", "dsmith", "corp.example", "en", -360, ["us-ascii"], 3),
    ("Dr. Emily Chen", "emily.chen", "university.example", "en", -480, ["us-ascii"], 3),
    ("Frank Miller", "frank", "example.org", "en", 60, ["us-ascii"], 2),
    ("Grace Lee", "grace", "example.net", "en", 540, ["us-ascii"], 2),
    ("Henry \"Hank\" Walker", "hank", "example.com", "en", -300, ["us-ascii"], 1),
    ("Zo\u00eb Salda\u00f1a", "zoe", "example.com", "en", -300, ["iso-8859-1", "utf-8", "windows-1252"], 2),
    ("Ren\u00e9e Fontaine", "renee", "example.fr", "en", 60, ["iso-8859-1", "utf-8"], 1),
    ("GitLab CI", "ci-bot", "ci.example", "en", 0, ["us-ascii"], 4),
    ("", "noreply", "billing.example", "en", 0, ["us-ascii"], 2),
    ("Party Bot \U0001f389", "party", "fun.example", "en", 0, ["utf-8"], 1),
    ("Fran\u00e7ois Dupont", "francois", "example.fr", "fr", 60, ["iso-8859-1", "utf-8", "iso-8859-15"], 3),
    ("H\u00e9l\u00e8ne Lef\u00e8vre", "helene", "example.fr", "fr", 60, ["iso-8859-1", "utf-8"], 2),
    ("J\u00e9r\u00f4me B\u00e9nard", "jerome", "example.fr", "fr", 60, ["iso-8859-15", "utf-8"], 1),
    ("Ana\u00efs L\u0153venbruck", "anais", "example.fr", "fr", 60, ["iso-8859-15", "utf-8", "windows-1252"], 1),
    ("J\u00fcrgen M\u00fcller", "juergen", "example.de", "de", 60, ["iso-8859-1", "utf-8"], 3),
    ("D\u00f6rte Wei\u00df", "doerte", "example.de", "de", 60, ["iso-8859-15", "utf-8"], 2),
    ("Bj\u00f6rn Sch\u00e4fer", "bjoern", "example.de", "de", 60, ["iso-8859-1", "windows-1252", "utf-8"], 1),
    ("Jos\u00e9 \u00c1lvarez", "jose", "example.es", "es", 60, ["iso-8859-1", "utf-8"], 2),
    ("Mar\u00eda Pe\u00f1a", "maria", "example.es", "es", 60, ["iso-8859-1", "utf-8"], 2),
    ("\u00cd\u00f1igo Mu\u00f1oz", "inigo", "example.es", "es", 60, ["iso-8859-15", "utf-8"], 1),
    ("Jo\u00e3o Gon\u00e7alves", "joao", "example.com", "en", -180, ["iso-8859-1", "utf-8"], 1),
    ("\u0418\u0432\u0430\u043d \u041f\u0435\u0442\u0440\u043e\u0432", "ivan", "example.ru", "ru", 180, ["koi8-r", "utf-8", "windows-1251"], 4),
    ("\u041e\u043b\u044c\u0433\u0430 \u0421\u043c\u0438\u0440\u043d\u043e\u0432\u0430", "olga", "example.ru", "ru", 180, ["koi8-r", "utf-8"], 3),
    ("\u0414\u043c\u0438\u0442\u0440\u0438\u0439 \u041a\u0443\u0437\u043d\u0435\u0446\u043e\u0432", "dmitry", "example.ru", "ru", 180, ["koi8-r", "windows-1251", "utf-8"], 2),
    ("\u041d\u0430\u0442\u0430\u043b\u044c\u044f \u0421\u043e\u043a\u043e\u043b\u043e\u0432\u0430", "natalia", "example.ru", "ru", 420, ["utf-8", "koi8-r"], 1),
    ("\u0393\u03b9\u03ce\u03c1\u03b3\u03bf\u03c2 \u03a0\u03b1\u03c0\u03b1\u03b4\u03cc\u03c0\u03bf\u03c5\u03bb\u03bf\u03c2", "giorgos", "example.gr", "el", 120, ["iso-8859-7", "utf-8"], 1),
    ("\u0395\u03bb\u03ad\u03bd\u03b7 \u039f\u03b9\u03ba\u03bf\u03bd\u03cc\u03bc\u03bf\u03c5", "eleni", "example.gr", "el", 120, ["iso-8859-7", "utf-8"], 1),
    ("\u5c71\u7530 \u592a\u90ce", "yamada", "example.jp", "ja", 540, ["iso-2022-jp", "utf-8", "shift_jis"], 4),
    ("\u4f50\u85e4 \u82b1\u5b50", "hanako", "example.jp", "ja", 540, ["iso-2022-jp", "utf-8"], 3),
    ("\u9234\u6728 \u4e00\u90ce", "suzuki", "example.jp", "ja", 540, ["shift_jis", "iso-2022-jp", "utf-8"], 2),
    ("\u9ad8\u6a4b \u7f8e\u54b2", "misaki", "example.jp", "ja", 540, ["iso-2022-jp", "euc-jp", "utf-8"], 2),
    ("\u7530\u4e2d \u5065\u592a", "kenta", "example.jp", "ja", 540, ["utf-8", "iso-2022-jp"], 1),
    ("\u674e\u4f1f", "li.wei", "example.cn", "zh", 480, ["gb2312", "utf-8", "gbk"], 4),
    ("\u738b\u82b3", "wang.fang", "example.cn", "zh", 480, ["gb2312", "utf-8"], 3),
    ("\u5f20\u654f", "zhang.min", "example.cn", "zh", 480, ["gbk", "utf-8"], 2),
    ("\u9648\u5586", "chen.zhe", "example.cn", "zh", 480, ["gbk", "gb18030", "utf-8"], 1),
    ("\u5218\u6d0b", "liu.yang", "example.cn", "zh", 480, ["utf-8", "gb2312"], 1),
    ("\uae40\ubbfc\uc900", "minjun", "example.kr", "ko", 540, ["euc-kr", "utf-8"], 2),
    ("\uc774\uc11c\uc5f0", "seoyeon", "example.kr", "ko", 540, ["euc-kr", "utf-8"], 2),
    ("\ubc15\uc9c0\ud6c8", "jihoon", "example.kr", "ko", 540, ["utf-8"], 1),
    ("\u0644\u064a\u0644\u0649 \u062d\u062f\u0627\u062f", "layla", "example.com", "en", 120, ["utf-8"], 1),
    ("\u05e0\u05d5\u05e2\u05d4 \u05db\u05d4\u05df", "noa", "example.com", "en", 120, ["utf-8"], 1),
    ("Nguy\u1ec5n Th\u1ecb Lan", "lan", "example.com", "en", 420, ["utf-8"], 1),
    ("\u0e2a\u0e21\u0e0a\u0e32\u0e22 \u0e43\u0e08\u0e14\u0e35", "somchai", "example.com", "en", 420, ["utf-8"], 1),
    ("\u092a\u094d\u0930\u093f\u092f\u093e \u0936\u0930\u094d\u092e\u093e", "priya", "example.com", "en", 330, ["utf-8"], 1),
    ("\u0141ukasz Wi\u015bniewski", "lukasz", "example.com", "en", 60, ["iso-8859-2", "utf-8"], 1),
    ("Ay\u015fe Y\u0131lmaz", "ayse", "example.com", "en", 180, ["iso-8859-9", "utf-8"], 1),
    ("Zolt\u00e1n Kov\u00e1cs", "zoltan", "example.com", "en", 60, ["iso-8859-2", "iso-8859-1", "utf-8"], 1),
]

ORGS = ["Example Corp", "ACME Research", "Skua Testing Ltd", "Northwind Traders", "Contoso"]

ATTACH_NAMES = {
    "pdf": ["invoice-{n}.pdf", "report Q{q} {y}.pdf", "minutes-{n}.pdf", "r\u00e9sum\u00e9.pdf",
            "Angebot_M\u00fcller_{n}.pdf", "\u898b\u7a4d\u66f8_{n}.pdf", "\u5408\u540c\u8349\u6848.pdf",
            "\u043e\u0442\u0447\u0451\u0442-{n}.pdf", "\ud68c\uc758\ub85d.pdf",
            "A very long attachment name that needs RFC 2231 continuations \u2013 final version {n}.pdf",
            "\u6765\u9031\u306e\u5b9a\u4f8b\u4f1a\u8b70\u306e\u8cc7\u6599\u3068\u8b70\u4e8b\u9332\u306e\u307e\u3068\u3081_{n}.pdf"],
    "png": ["screenshot-{n}.png", "photo.png", "chart {n}.png", "\u5199\u771f.png",
            "\U0001f389 party.png", "\u0441\u0445\u0435\u043c\u0430.png", "diagram.png"],
    "csv": ["data-{n}.csv", "donn\u00e9es.csv", "\u58f2\u4e0a_{y}.csv", "contacts.csv", "export {y}-{q}.csv"],
    "bin": ["firmware-{n}.bin", "dump.dat", "r\u00e9sum\u00e9 (copie).dat", "capture.pcap", "\u30c7\u30fc\u30bf.bin"],
}
BIG_NAMES = [("backup-{n}.zip", "application/zip"), ("site photos {y}.tar", "application/x-tar"),
             ("Pr\u00e4sentation_{n}.pdf", "application/pdf"), ("\u8a18\u9332\u6620\u50cf_{n}.mp4", "video/mp4"),
             ("disk-image-{n}.img", "application/octet-stream")]
CSV_CITIES = ["Z\u00fcrich", "S\u00e3o Paulo", "\u6771\u4eac", "\u041c\u043e\u0441\u043a\u0432\u0430",
              "\u0391\u03b8\u03ae\u03bd\u03b1", "Paris", "New York", "\ub300\uad6c", "\u5317\u4eac", "Krak\u00f3w"]
MAILERS = ["Thunderbird 115.6.0", "Mutt/2.2.9 (2022-11-12)", "Apple Mail (2.3731)",
           "Microsoft Outlook 16.0", "Roundcube Webmail/1.6.5", "K-9 Mail for Android"]

_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")

# --------------------------------------------------------------------------
# Encoding helpers


def can_encode(text, charset):
    try:
        text.encode(charset)
        return True
    except UnicodeEncodeError:
        return False


_Q_SAFE = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789!*+-/"
_QTAB = ["=%02X" % b for b in range(256)]
for _b in _Q_SAFE:
    _QTAB[_b] = chr(_b)
_QTAB[0x20] = "_"


def _q_enc(data):
    return "".join([_QTAB[b] for b in data])


def _b_enc(data):
    return binascii.b2a_base64(data, newline=False).decode("ascii")


_ew_cache = {}


def encoded_words(text, charset, enc):
    """RFC 2047 encoded words (each <= 75 chars, whole characters only) for text."""
    key = (text, charset, enc)
    hit = _ew_cache.get(key)
    if hit is not None:
        return hit
    label = charset.upper() if enc == "B" or charset != "utf-8" else charset
    prefix = "=?%s?%s?" % (label, enc)
    budget = 75 - len(prefix) - 2
    fn = _b_enc if enc == "B" else _q_enc
    words = []
    i, n = 0, len(text)
    while i < n:
        lo, hi = 1, n - i          # largest k with fn(text[i:i+k]) fitting
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if len(fn(text[i:i + mid].encode(charset))) <= budget:
                lo = mid
            else:
                hi = mid - 1
        words.append(prefix + fn(text[i:i + lo].encode(charset)) + "?=")
        i += lo
    if len(_ew_cache) > 200000:
        _ew_cache.clear()
    _ew_cache[key] = words
    return words


def fold_tokens(name, tokens, width=76):
    """Header "name: t1 t2 ..." folded before a space when a line would exceed width."""
    line = name + ": " + " ".join(tokens)
    if len(line) <= width:
        return line
    out = [name, ":"]
    linelen = len(name) + 1
    first = True
    for t in tokens:
        if not first and linelen + 1 + len(t) > width:
            out.append("\n ")
            linelen = 1 + len(t)
        else:
            out.append(" ")
            linelen += 1 + len(t)
        out.append(t)
        first = False
    return "".join(out)


_SPECIALS = set('()<>[]:;@\\,."')


def phrase_tokens(name, charset, enc):
    """Tokens for a display name: atoms, a quoted string or encoded words."""
    if name.isascii():
        if any(c in _SPECIALS for c in name):
            return ['"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"']
        return name.split(" ")
    return encoded_words(name, charset, enc)


def unstructured_tokens(text, charset, enc, style):
    """Tokens for Subject: plain words, then encoded words from the first non-ASCII word
    (style 0) or the whole text encoded (style 1)."""
    if text.isascii():
        return text.split(" ")
    if style == 1:
        return encoded_words(text, charset, enc)
    words = text.split(" ")
    k = 0
    while words[k].isascii():
        k += 1
    return words[:k] + encoded_words(" ".join(words[k:]), charset, enc)


def b64_body(data):
    s = binascii.b2a_base64(data, newline=False)
    return b"\n".join([s[i:i + 76] for i in range(0, len(s), 76)]) + b"\n"


def qp_body(data):
    out = binascii.b2a_qp(data, quotetabs=False, istext=True, header=False)
    if not out.endswith(b"\n"):
        out += b"=\n"
    return out


_RFC2231_SAFE = "!#$&+-.^_`|~"


def disposition_params(attr, name, rng_value, cs_value):
    """Parameter strings (without ';') for filename/name; RFC 2231 for non-ASCII."""
    if name.isascii():
        return ['%s="%s"' % (attr, name.replace("\\", "\\\\").replace('"', '\\"'))]
    cs = "UTF-8"
    if cs_value < 0.3 and can_encode(name, "iso-8859-1"):
        cs = "iso-8859-1"
    pct = _url_quote(name.encode(cs), safe=_RFC2231_SAFE)
    if len(pct) <= 60 and rng_value < 0.8:
        return ["%s*=%s''%s" % (attr, cs, pct)]
    # continuations, split between characters (sections are joined as octets
    # before decoding, but some decoders decode each section on its own)
    segs, cur = [], ""
    for ch in name:
        e = _url_quote(ch.encode(cs), safe=_RFC2231_SAFE)
        if cur and len(cur) + len(e) > 48:
            segs.append(cur)
            cur = ""
        cur += e
    segs.append(cur)
    out = ["%s*0*=%s''%s" % (attr, cs, segs[0])]
    for idx, s in enumerate(segs[1:], 1):
        out.append("%s*%d*=%s" % (attr, idx, s))
    return out


def human_size(n):
    if n >= 1024 * 1024:
        return "%.1f MB" % (n / 1048576.0)
    return "%d KB" % max(1, n // 1024)


def fmt_date(epoch, off_min):
    t = time.gmtime(epoch + off_min * 60)
    sign = "+" if off_min >= 0 else "-"
    a = abs(off_min)
    return "%s, %d %s %d %02d:%02d:%02d %s%02d%02d" % (
        _DAYS[t.tm_wday], t.tm_mday, _MONS[t.tm_mon - 1], t.tm_year,
        t.tm_hour, t.tm_min, t.tm_sec, sign, a // 60, a % 60)


# --------------------------------------------------------------------------
# Attachment payloads


def make_pdf(title, pad_bytes):
    """A small valid PDF with one page showing title, padded with a binary stream."""
    title = "".join(c if 32 <= ord(c) < 127 and c not in "()\\" else "?" for c in title)
    content = ("BT /F1 24 Tf 72 720 Td (%s) Tj ET" % title).encode("ascii")
    objs = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    if pad_bytes:
        objs.append(b"<< /Length %d >>\nstream\n" % len(pad_bytes) + pad_bytes + b"\nendstream")
    out = [b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n"]
    pos = len(out[0])
    offsets = []
    for i, o in enumerate(objs, 1):
        chunk = b"%d 0 obj\n" % i + o + b"\nendobj\n"
        offsets.append(pos)
        out.append(chunk)
        pos += len(chunk)
    xref = [b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)]
    for off in offsets:
        xref.append(b"%010d 00000 n \n" % off)
    out.extend(xref)
    out.append(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, pos))
    return b"".join(out)


_SHIFT = [bytes(((i + k) & 255) for i in range(256)) for k in range(256)]


def _png_chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def make_png(w, h, c0, c1, c2, dy):
    """A w x h RGB gradient PNG; deflate 'stored' blocks so bytes never depend on zlib."""
    base = bytearray()
    for x in range(w):
        base += bytes(((c0 + x * 4) & 255, (c1 + x * 2) & 255, c2))
    base = bytes(base)
    raw = b"".join([b"\0" + base.translate(_SHIFT[(y * dy) & 255]) for y in range(h)])
    z = [b"\x78\x01"]
    i, n = 0, len(raw)
    while True:
        blk = raw[i:i + 65535]
        i += len(blk)
        final = 1 if i >= n else 0
        z.append(struct.pack("<BHH", final, len(blk), len(blk) ^ 0xFFFF))
        z.append(blk)
        if final:
            break
    z.append(struct.pack(">I", zlib.adler32(raw) & 0xFFFFFFFF))
    return (b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
            + _png_chunk(b"IDAT", b"".join(z)) + _png_chunk(b"IEND", b""))


# --------------------------------------------------------------------------
# Generator


class Para:
    __slots__ = ("text", "flowed", "html", "quote", "nbytes", "ok")


def _wrap_words(words, width):
    lines, cur, ln = [], [], 0
    for w in words:
        if cur and ln + 1 + len(w) > width:
            lines.append(cur)
            cur, ln = [w], len(w)
        else:
            ln += len(w) + (1 if cur else 0)
            cur.append(w)
    if cur:
        lines.append(cur)
    return lines


def _subst(s, rng):
    if "{" not in s:
        return s
    n = rng.randrange(100, 100000)
    return (s.replace("{n}", str(n)).replace("{d}", str(rng.randrange(1, 29)))
            .replace("{h}", str(rng.randrange(8, 19)))
            .replace("{v}", "%d.%d.%d" % (rng.randrange(1, 6), rng.randrange(0, 20), rng.randrange(0, 10)))
            .replace("{q}", str(rng.randrange(1, 5))).replace("{y}", str(rng.randrange(2019, 2026))))


def build_pool(rng, lang, size):
    sents = SENTENCES[lang]
    pool = []
    for _ in range(size):
        k = rng.randrange(2, 7)
        chosen = [_subst(rng.choice(sents), rng) for _ in range(k)]
        if lang in SPACE_LANGS:
            width = 36 if lang == "ko" else 72
            lines = _wrap_words(" ".join(chosen).split(" "), width)
            plain = [" ".join(l) for l in lines]
            flowed = [" ".join(l) + " " for l in lines[:-1]] + [plain[-1]]
        else:
            s = "".join(chosen)
            plain = [s[i:i + 36] for i in range(0, len(s), 36)]
            flowed = None
        p = Para()
        p.text = "\n".join(plain)
        p.flowed = "\n".join(flowed) if flowed and lang != "ko" else None
        p.html = "<p>" + "\n".join(html.escape(l, quote=False) for l in plain) + "</p>"
        p.quote = plain[:4]
        p.nbytes = len(p.text.encode("utf-8"))
        p.ok = tuple(can_encode(p.text, c) for c in LANG_CHARSETS[lang])
        pool.append(p)
    return pool


class Thread:
    __slots__ = ("subject", "lang", "members", "remaining", "participants", "hot")


class Msg:
    __slots__ = ("seq", "msgid", "refs", "depth", "sender", "epoch", "lang", "para")


class Generator:
    def __init__(self, args):
        self.a = args
        seed = args.seed
        self.rng = random.Random(seed)
        prng = random.Random("skua-gen-pool/%d" % seed)
        self.pools = {lang: build_pool(prng, lang, 160) for lang in SENTENCES}
        # per language and charset: the paragraphs that charset can encode
        self.subsets = {lang: [[i for i, p in enumerate(pool) if p.ok[k]] for k in range(len(LANG_CHARSETS[lang]))]
                        for lang, pool in self.pools.items()}
        self.langs = [l for l, _ in LANG_WEIGHTS]
        self.lang_cum = []
        t = 0
        for _, w in LANG_WEIGHTS:
            t += w
            self.lang_cum.append(t)
        self.people = PEOPLE
        self.people_cum = []
        t = 0
        for p in PEOPLE:
            t += p[6]
            self.people_cum.append(t)
        self.people_charsets = [[c for c in p[5] if can_encode(p[0], c)] or ["utf-8"] for p in PEOPLE]
        for lang, note in BIG_NOTE.items():
            for cs in LANG_CHARSETS[lang]:
                if not can_encode(note, cs) and not (cs == "us-ascii"):
                    raise SystemExit("gen-mail: internal: BIG_NOTE[%s] not encodable in %s" % (lang, cs))
        self.domain = args.domain
        self.to_hdr = args.to or "Skua User <user@%s>" % args.domain
        self.epoch = calendar.timegm(time.strptime(args.start_date, "%Y-%m-%d")) + 8 * 3600
        self.hot, self.normal = [], []
        self.subject_cache = {}

    # -- small helpers
    def pick_person(self, exclude=-1):
        rng = self.rng
        while True:
            i = rng.choices(range(len(self.people)), cum_weights=self.people_cum)[0]
            if i != exclude:
                return i

    def mailbox_tokens(self, idx):
        rng = self.rng
        name, local, dom = self.people[idx][0], self.people[idx][1], self.people[idx][2]
        css = self.people_charsets[idx]
        cs = css[int(rng.random() * len(css))]
        enc = "Q" if rng.random() < 0.5 else "B"
        addr = "<%s@%s>" % (local, dom)
        if not name:
            return [local + "@" + dom]
        return phrase_tokens(name, cs, enc) + [addr]

    def addr_header(self, hname, idxs, extra=None):
        tokens = []
        for k, i in enumerate(idxs):
            t = self.mailbox_tokens(i)
            if k < len(idxs) - 1 or extra:
                t[-1] = t[-1] + ","
            tokens.extend(t)
        if extra:
            tokens.extend(extra.split(" "))
        return fold_tokens(hname, tokens)

    def choose_charset(self, text, lang, r):
        """Pick a charset of lang that can encode text."""
        cands = [c for c in LANG_CHARSETS[lang] if can_encode(text, c)]
        if not cands:
            cands = ["utf-8"]
        return cands[int(r * len(cands))]

    def subject_header(self, subject, lang):
        rng = self.rng
        r1, r2, r3 = rng.random(), rng.random(), rng.random()
        if subject.isascii():
            return fold_tokens("Subject", subject.split(" ")), []
        cs = self.choose_charset(subject, lang, r1)
        if cs == "us-ascii":
            cs = "utf-8"
        cjk = lang in ("ja", "zh", "ko")
        enc = "B" if r2 < (0.8 if cjk else 0.4) else "Q"
        style = 1 if r3 < 0.35 else 0
        if subject.startswith("Re: ") and style == 0:
            toks = ["Re:"] + unstructured_tokens(subject[4:], cs, enc, 1 if r3 < 0.6 else 0)
        else:
            toks = unstructured_tokens(subject, cs, enc, style)
        return fold_tokens("Subject", toks), [cs]

    # -- text bodies
    def text_leaf(self, text, lang, subtype, flowed, r_cs, r_cte, cs=None):
        """Returns (content header lines, body bytes, charset)."""
        if cs is None:
            cs = self.choose_charset(text, lang, r_cs)
        data = text.encode(cs)
        if cs == "iso-2022-jp" or data.isascii():
            cte = "7bit" if r_cte < 0.7 else ("quoted-printable" if r_cte < 0.9 else "base64")
        elif lang not in ("en", "fr", "de", "es"):
            # quoted-printable triples non-Latin text; it exists but is rare
            cte = "8bit" if r_cte < 0.45 else ("quoted-printable" if r_cte < 0.55 else "base64")
        else:
            cte = "8bit" if r_cte < 0.4 else ("quoted-printable" if r_cte < 0.75 else "base64")
        if cte == "quoted-printable":
            body = qp_body(data)
        elif cte == "base64":
            body = b64_body(data)
        else:
            body = data
        ct = "Content-Type: text/%s; charset=%s" % (subtype, cs if r_cs > 0.1 else '"%s"' % cs)
        if flowed:
            ct += "; format=flowed"
        return "%s\nContent-Transfer-Encoding: %s" % (ct, cte), body, cs

    # -- one message
    def make(self, seq, want_parts):
        rng = self.rng
        a = self.a
        step = 1 + int(rng.expovariate(1.0 / a.interval))
        self.epoch += step
        epoch = self.epoch

        # thread bookkeeping
        parent = None
        thread = None
        if (self.hot or self.normal) and rng.random() < 0.45:
            if self.hot and (not self.normal or rng.random() < 0.4):
                lst = self.hot
            else:
                lst = self.normal
            thread = lst[int(rng.random() * len(lst))]
            cands = [m for m in thread.members[-6:] if m.depth < 6]
            if not cands:
                cands = [thread.members[0]]
            parent = cands[int(rng.random() * len(cands))]
            thread.remaining -= 1
            if thread.remaining <= 0:
                lst.remove(thread)
            if rng.random() < 0.6 and len(thread.participants) > 1:
                sender = thread.participants[int(rng.random() * len(thread.participants))]
                if sender == parent.sender:
                    sender = self.pick_person(parent.sender)
            else:
                sender = self.pick_person(parent.sender)
            lang = thread.lang if rng.random() < 0.85 else self.people[sender][3]
            subject = "Re: " + thread.subject
        else:
            sender = self.pick_person()
            lang = self.people[sender][3] if rng.random() < 0.8 else \
                self.langs[_bisect(self.lang_cum, rng.random() * self.lang_cum[-1])]
            if rng.random() < 0.06:
                subject = _subst(EMOJI_SUBJECTS[int(rng.random() * len(EMOJI_SUBJECTS))], rng)
            else:
                subs = SUBJECTS[lang]
                subject = _subst(subs[int(rng.random() * len(subs))], rng)
            r = rng.random()
            if r < 0.01:
                budget, hot = rng.randrange(15, 60), True
            elif r < 0.55:
                budget, hot = rng.choice((1, 1, 2, 2, 3, 4, 6, 8)), False
            else:
                budget, hot = 0, False
            if budget:
                thread = Thread()
                thread.subject, thread.lang, thread.members = subject, lang, []
                thread.remaining, thread.participants, thread.hot = budget, [], hot
                if hot:
                    self.hot.append(thread)
                    if len(self.hot) > 6:
                        self.hot.pop(0)
                else:
                    self.normal.append(thread)
                    if len(self.normal) > 150:
                        self.normal.pop(0)

        person = self.people[sender]
        pool = self.pools[lang]
        hexid = "%08x" % rng.getrandbits(32)
        gm = time.gmtime(epoch)
        msgid = "<%04d%02d%02d%02d%02d%02d.%d.%s@%s>" % (
            gm.tm_year, gm.tm_mon, gm.tm_mday, gm.tm_hour, gm.tm_min, gm.tm_sec, seq, hexid, self.domain)

        # recipients
        to_idx = []
        if parent is not None:
            to_idx.append(parent.sender)
        elif rng.random() < 0.25:
            to_idx.append(self.pick_person(sender))
        cc_idx = []
        if rng.random() < 0.25:
            for _ in range(1 + int(rng.random() * 3)):
                c = self.pick_person(sender)
                if c not in cc_idx and c not in to_idx:
                    cc_idx.append(c)

        # content plan
        r = rng.random()
        kind = "plain" if r < 0.45 else "alt" if r < 0.70 else "mixed" if r < 0.95 else "related"
        target = int(1024 * 20 ** rng.random())
        if kind == "plain":
            text_budget = target - 900
        elif kind == "alt" or kind == "related":
            text_budget = (target - 1200) / 2.4
        else:
            text_budget = (target - 1400) * (0.25 + 0.35 * rng.random())
        # the sender's charset first, then text it can express (an ISO-8859-1 user
        # does not type the euro sign); quotes or emoji it cannot encode fall back to utf-8
        k = int(rng.random() * len(LANG_CHARSETS[lang]))
        body_cs = LANG_CHARSETS[lang][k]
        sub = self.subsets[lang][k]
        if not sub:
            body_cs, sub = "utf-8", range(len(pool))
        paras = []
        tot = 0
        while True:
            pi = sub[int(rng.random() * len(sub))]
            paras.append(pi)
            tot += pool[pi].nbytes + 2
            if tot >= text_budget:
                break
        flowed = lang in SPACE_LANGS and lang != "ko" and kind != "related" and rng.random() < 0.25
        emoji = rng.random() < 0.07
        greeting = GREETINGS[lang][int(rng.random() * len(GREETINGS[lang]))]
        signoff = SIGNOFFS[lang][int(rng.random() * len(SIGNOFFS[lang]))]
        sig = rng.random() < 0.3
        org = ORGS[int(rng.random() * len(ORGS))]
        sname = person[0] or person[1]

        # body text (plain and html)
        head = [greeting, ""]
        hhead = ["<p>%s</p>" % html.escape(greeting, quote=False)]
        if parent is not None:
            pp = self.people[parent.sender]
            attrib = ATTRIBUTION[lang].replace("{date}", fmt_date(parent.epoch, pp[4])) \
                .replace("{name}", pp[0] or pp[1])
            qlines = self.pools[parent.lang][parent.para].quote
            head.append(attrib)
            head.extend("> " + l for l in qlines)
            head.append("")
            hhead.append("<p>%s</p>\n<blockquote type=\"cite\">%s</blockquote>" % (
                html.escape(attrib, quote=False), "<br>\n".join(html.escape(l, quote=False) for l in qlines)))
        if emoji:
            el = EMOJI_LINES[int(rng.random() * len(EMOJI_LINES))]
            head.extend([el, ""])
            hhead.append("<p>%s</p>" % el)
        if flowed:
            middle = "\n\n".join([pool[i].flowed for i in paras])
        else:
            middle = "\n\n".join([pool[i].text for i in paras])
        hmiddle = "\n".join([pool[i].html for i in paras])
        tail = ["", "", signoff, sname]
        if sig:
            tail.extend(["-- ", "%s | %s" % (sname, org)])
        htail = "<p>%s<br>\n%s</p>" % (html.escape(signoff, quote=False), html.escape(sname, quote=False))

        r_cs, r_cte, r_cte2 = rng.random(), rng.random(), rng.random()

        # attachments (main rng)
        atts = []
        if kind == "mixed":
            n_att = 1 if (r := rng.random()) < 0.6 else 2 if r < 0.9 else 3
            alt_in_mixed = rng.random() < 0.4
            att_budget = max(600, target - 1400 - tot * (2.4 if alt_in_mixed else 1))
            per = int(att_budget * 0.74 / n_att)
            for _ in range(n_att):
                atts.append(self.make_attachment(per))
        else:
            alt_in_mixed = False
        inline_png = None
        if kind == "related":
            w = 8 + int(rng.random() * 40)
            inline_png = make_png(w, w // 2 + 4, rng.randrange(256), rng.randrange(256),
                                  rng.randrange(256), 1 + int(rng.random() * 7))

        # flags
        f = rng.random()
        seen = f < 0.7
        flags = ("F" if rng.random() < 0.05 else "") + ("R" if seen and rng.random() < 0.12 else "") + \
            ("S" if seen else "")
        mailer = MAILERS[int(rng.random() * len(MAILERS))]
        subj_hdr, subj_cs = self.subject_header(subject, lang)
        from_hdr = fold_tokens("From", self.mailbox_tokens(sender))
        to_hdr = self.addr_header("To", to_idx, self.to_hdr)
        cc_hdr = self.addr_header("Cc", cc_idx) if cc_idx else None
        bnd_hex = "%08x" % rng.getrandbits(32)

        # thread membership
        m = Msg()
        m.seq, m.msgid, m.sender, m.epoch, m.lang, m.para = seq, msgid, sender, epoch, lang, paras[0]
        if parent is not None:
            m.refs = (parent.refs + (parent.msgid,))[-10:]
            m.depth = parent.depth + 1
        else:
            m.refs = ()
            m.depth = 0
        if thread is not None:
            thread.members.append(m)
            if sender not in thread.participants:
                thread.participants.append(sender)

        # ---- everything below uses no draws from the main rng
        def render(big):
            """The message bytes and the parts description, given the big attachment or None."""
            hd = head
            hh = list(hhead)
            if big is not None:
                hd = [head[0], "", big[3]] + head[1:]
                hh = hh[:1] + ["<p>%s</p>" % html.escape(big[3], quote=False)] + hh[1:]
            text = "\n".join(hd) + "\n" + middle + "\n".join(tail) + "\n"
            small = "\n".join(hd) + "\n".join(tail)   # the paragraphs are known to be encodable
            bcs = body_cs if can_encode(small, body_cs) else "utf-8"
            parts_info = [] if want_parts else None
            cid = "img%d.%s@%s" % (seq, bnd_hex, self.domain)
            if kind == "related":
                hh.append('<p><img src="cid:%s" alt="chart"></p>' % cid)

            def html_doc(cs):
                return ("<html>\n<head>\n<meta http-equiv=\"Content-Type\" content=\"text/html; charset=%s\">\n"
                        "</head>\n<body>\n%s\n%s\n%s\n</body>\n</html>\n" % (cs, "\n".join(hh), hmiddle, htail))

            def add_text(t, subtype, fl, rc, rcte, cs=None, tlang=lang, extra=""):
                hdr, body, used = self.text_leaf(t, tlang, subtype, fl, rc, rcte, cs)
                if parts_info is not None:
                    info = {"type": "text/" + subtype, "charset": used, "kind": "text",
                            "sha256": hashlib.sha256(t.encode("utf-8")).hexdigest()}
                    parts_info.append(info)
                return hdr + extra, body, used

            def add_bin(ctype, name, data, inline_cid=None, r1=0.5, r2=0.5):
                hdr = ["Content-Type: " + ctype]
                if name.isascii():
                    hdr[0] += '; name="%s"' % name
                elif r1 < 0.5:
                    hdr[0] += ';\n name="%s"' % " ".join(encoded_words(name, "utf-8", "B"))
                else:
                    hdr[0] += ";\n " + ";\n ".join(disposition_params("name", name, r1, r2))
                hdr.append("Content-Transfer-Encoding: base64")
                if inline_cid:
                    hdr.append("Content-ID: <%s>" % inline_cid)
                disp = "inline" if inline_cid else "attachment"
                hdr.append("Content-Disposition: %s;\n " % disp + ";\n ".join(
                    disposition_params("filename", name, r2, r1)))
                if parts_info is not None:
                    parts_info.append({"type": ctype, "filename": name, "kind": "bytes",
                                       "sha256": hashlib.sha256(data).hexdigest()})
                return "\n".join(hdr), b64_body(data)

            def multipart(sub, children, k, preamble=False):
                b = "=_skua_%d_%s_%d" % (seq, bnd_hex, k)
                bb = b.encode("ascii")
                out = [b"This is a multi-part message in MIME format.\n"] if preamble else []
                for ch, body in children:
                    out += [b"--", bb, b"\n", ch.encode("ascii"), b"\n\n", body, b"\n"]
                out += [b"--", bb, b"--\n"]
                return 'Content-Type: multipart/%s;\n boundary="%s"' % (sub, b), b"".join(out)

            # leaves are created in document order (parts_info follows msg.walk())
            if kind == "related":
                h1, b1, cs = add_text(text, "plain", False, r_cs, r_cte, bcs)
                h2, b2, _ = add_text(html_doc(cs), "html", False, r_cs, r_cte2, cs)
                img = add_bin("image/png", "chart.png", inline_png, inline_cid=cid)
                rel = multipart("related", [(h2, b2), img], 2)
                body_node = multipart("alternative", [(h1, b1), rel], 1)
            elif kind == "alt" or alt_in_mixed:
                h1, b1, cs = add_text(text, "plain", flowed, r_cs, r_cte, bcs)
                h2, b2, _ = add_text(html_doc(cs), "html", False, r_cs, r_cte2, cs)
                body_node = multipart("alternative", [(h1, b1), (h2, b2)], 1)
            else:
                h1, b1, cs = add_text(text, "plain", flowed, r_cs, r_cte, bcs)
                body_node = (h1, b1)
            children = [body_node]
            for (ctype, name, data, r1, r2) in atts:
                if ctype == "text/csv":
                    extra = "\nContent-Disposition: attachment;\n " + ";\n ".join(
                        disposition_params("filename", name, r2, r1))
                    hdr, body, _u = add_text(data, "csv", False, 0.99, r1, "utf-8", "en", extra)
                    if parts_info is not None:
                        parts_info[-1]["filename"] = name
                    children.append((hdr, body))
                else:
                    children.append(add_bin(ctype, name, data, None, r1, r2))
            if big is not None:
                children.append(add_bin(big[1], big[0], big[2], None, 0.7, 0.7))
            top = body_node if len(children) == 1 else multipart("mixed", children, 0, True)
            return (hdr_text + top[0] + "\n\n").encode("ascii") + top[1], parts_info, cs

        person_dom = person[2]
        hdrs = [
            "Return-Path: <%s@%s>" % (person[1], person_dom),
            "Delivered-To: %s" % _bare_addr(self.to_hdr),
            "Received: from mx.%s (mx.%s [192.0.2.%d])\n\tby mail.%s with ESMTPS id %s\n\tfor <%s>; %s" % (
                person_dom, person_dom, 1 + seq % 254, self.domain, hexid.upper(), _bare_addr(self.to_hdr),
                fmt_date(epoch + 2, 0)),
            "Date: " + fmt_date(epoch, person[4]),
            from_hdr,
            to_hdr,
        ]
        if cc_hdr:
            hdrs.append(cc_hdr)
        hdrs.append(subj_hdr)
        hdrs.append("Message-ID: " + msgid)
        if parent is not None:
            hdrs.append("In-Reply-To: " + parent.msgid)
            hdrs.append(fold_tokens("References", list(m.refs)))
        if person[1] != "noreply":
            hdrs.append(("User-Agent: " if seq % 3 else "X-Mailer: ") + mailer)
        hdrs.append("MIME-Version: 1.0")
        hdr_text = "\n".join(hdrs) + "\n"

        if a.big_every and seq % a.big_every == 0:
            rest = len(render(self.make_big(seq, lang, a.max_size * 2))[0])
            shrink = 0
            for _ in range(5):
                big = self.make_big(seq, lang, rest, shrink)
                data, parts_info, cs = render(big)
                if len(data) <= a.max_size:
                    break
                shrink += int((len(data) - a.max_size) * 57 / 77) + 64
            else:
                raise SystemExit("gen-mail: internal: cannot fit message %d under --max-size" % seq)
        else:
            data, parts_info, cs = render(None)
            if len(data) > a.max_size:
                raise SystemExit("gen-mail: message %d is %d bytes, over --max-size %d; use a larger "
                                 "--max-size" % (seq, len(data), a.max_size))
        return data, {"subject": subject, "msgid": msgid, "epoch": epoch, "flags": flags,
                      "parts": parts_info, "charsets": [cs] + subj_cs, "from": person[0],
                      "in_reply_to": parent.msgid if parent is not None else None}

    def make_attachment(self, budget):
        rng = self.rng
        r = rng.random()
        typ = "pdf" if r < 0.35 else "png" if r < 0.65 else "csv" if r < 0.85 else "bin"
        names = ATTACH_NAMES[typ]
        name = _subst(names[int(rng.random() * len(names))], rng)
        r1, r2 = rng.random(), rng.random()
        budget = max(200, budget)
        if typ == "pdf":
            data = make_pdf(name if name.isascii() else "Document %d" % rng.randrange(1000),
                            rng.randbytes(max(0, budget - 700)))
            return ("application/pdf", name, data, r1, r2)
        if typ == "png":
            side = max(4, min(96, int((budget / 3) ** 0.5)))
            data = make_png(side, side, rng.randrange(256), rng.randrange(256), rng.randrange(256),
                            1 + int(rng.random() * 7))
            return ("image/png", name, data, r1, r2)
        if typ == "csv":
            rows = ["id,name,city,amount,date"]
            size = 25
            i = 0
            while size < budget:
                i += 1
                p = self.people[int(rng.random() * len(self.people))]
                nm = p[0] or p[1]
                if "," in nm or '"' in nm:
                    nm = '"' + nm.replace('"', '""') + '"'
                row = "%d,%s,%s,%d.%02d,2024-%02d-%02d" % (
                    i, nm, CSV_CITIES[int(rng.random() * len(CSV_CITIES))], rng.randrange(1, 10000),
                    rng.randrange(100), rng.randrange(1, 13), rng.randrange(1, 29))
                rows.append(row)
                size += len(row.encode()) + 1
            return ("text/csv", name, "\n".join(rows) + "\n", r1, r2)
        return ("application/octet-stream", name, rng.randbytes(budget), r1, r2)

    def make_big(self, seq, lang, rest, shrink=0):
        """(name, ctype, data, note) for the large attachment of message seq, sized so the
        message (rest bytes without it) reaches a target of 55-100% of --max-size."""
        brng = random.Random("skua-gen-big/%d/%d" % (self.a.seed, seq))
        name_t, ctype = BIG_NAMES[brng.randrange(len(BIG_NAMES))]
        name = _subst(name_t, brng)
        target = brng.randrange(int(self.a.max_size * 0.55), self.a.max_size + 1)
        raw = max(1024, int((target - rest) * 57 / 77) - shrink)   # base64 costs 77/57
        if ctype == "application/pdf":
            data = make_pdf("Presentation", brng.randbytes(max(0, raw - 700)))
        else:
            data = brng.randbytes(raw)
        note = BIG_NOTE[lang].replace("{file}", name).replace("{size}", human_size(len(data)))
        return (name, ctype, data, note)


def _bisect(cum, x):
    lo, hi = 0, len(cum) - 1
    while lo < hi:
        mid = (lo + hi) // 2
        if cum[mid] > x:
            hi = mid
        else:
            lo = mid + 1
    return lo


def _bare_addr(hdr):
    if "<" in hdr:
        return hdr[hdr.rindex("<") + 1:hdr.rindex(">")]
    return hdr.strip()


def parse_args(argv):
    p = argparse.ArgumentParser(
        description="Deterministic sample-mail generator: writes COUNT messages into a Maildir.")
    p.add_argument("--seed", type=int, default=1, help="random seed, a non-negative integer (default 1)")
    p.add_argument("--count", type=int, required=True, help="number of messages in the sequence")
    p.add_argument("--out", required=True, help="Maildir to write (cur/ new/ tmp/ are created)")
    p.add_argument("--manifest", help="write <file>\\t<Message-ID>\\t<size>\\t<subject> per message")
    p.add_argument("--parts-manifest", help="write one JSON object per message describing every MIME "
                   "leaf (type, charset, filename, sha256 of the decoded content) for validation")
    p.add_argument("--max-size", type=int, default=2 * 1024 * 1024,
                   help="upper bound of any message in bytes; big messages reach 55-100%% of it "
                   "(default 2097152, minimum 131072)")
    p.add_argument("--big-every", type=int, default=0, metavar="K",
                   help="every K-th message (sequence number divisible by K) gets a large attachment")
    p.add_argument("--start-date", default="2024-01-01", help="date of the first message (YYYY-MM-DD, UTC)")
    p.add_argument("--interval", type=float, default=300.0,
                   help="mean seconds between consecutive messages (default 300)")
    p.add_argument("--domain", default="example.org", help="domain of Message-IDs and of the recipient")
    p.add_argument("--to", help='recipient header value (default "Skua User <user@DOMAIN>"); ASCII')
    p.add_argument("--skip", type=int, default=0, metavar="N",
                   help="generate but do not write the first N messages (append the tail of a longer run)")
    g = p.add_mutually_exclusive_group()
    g.add_argument("--cur", dest="new", action="store_false", help="write into cur/ with :2,FLAGS (default)")
    g.add_argument("--new", dest="new", action="store_true", help="write into new/ without flags")
    p.set_defaults(new=False)
    p.add_argument("-v", "--verbose", action="store_true", help="print a summary on stderr")
    a = p.parse_args(argv)
    if a.seed < 0:
        p.error("--seed must be non-negative")
    if a.count < 0 or a.skip < 0 or a.big_every < 0:
        p.error("--count, --skip and --big-every must be non-negative")
    if a.max_size < 131072:
        p.error("--max-size must be at least 131072")
    if a.interval < 1:
        p.error("--interval must be at least 1")
    if a.to and not a.to.isascii():
        p.error("--to must be ASCII")
    try:
        time.strptime(a.start_date, "%Y-%m-%d")
    except ValueError:
        p.error("--start-date must be YYYY-MM-DD")
    return a


def main(argv):
    if sys.version_info < (3, 9):
        sys.exit("gen-mail: needs Python 3.9 or later")
    a = parse_args(argv)
    t0 = time.monotonic()
    for d in ("cur", "new", "tmp"):
        os.makedirs(os.path.join(a.out, d), exist_ok=True)
    gen = Generator(a)
    sub = "new" if a.new else "cur"
    tmpdir = os.path.join(a.out, "tmp")
    outdir = os.path.join(a.out, sub)
    manifest = open(a.manifest, "w", encoding="utf-8", newline="\n") if a.manifest else None
    parts = open(a.parts_manifest, "w", encoding="utf-8", newline="\n") if a.parts_manifest else None
    total = 0
    written = 0
    for seq in range(1, a.count + 1):
        write = seq > a.skip
        data, info = gen.make(seq, parts is not None and write)
        if not write:
            continue
        base = "%d.M%dP%d.skua-gen" % (info["epoch"], seq, a.seed)
        name = base if a.new else base + ":2," + info["flags"]
        tmp = os.path.join(tmpdir, base)
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        try:
            mv = memoryview(data)
            while mv:
                mv = mv[os.write(fd, mv):]
        finally:
            os.close(fd)
        os.utime(tmp, (info["epoch"], info["epoch"]))
        os.replace(tmp, os.path.join(outdir, name))
        total += len(data)
        written += 1
        if manifest:
            manifest.write("%s\t%s\t%d\t%s\n" % (name, info["msgid"], len(data), info["subject"]))
        if parts:
            parts.write(json.dumps({"file": name, "message_id": info["msgid"], "subject": info["subject"],
                                    "from_name": info["from"], "charsets": info["charsets"],
                                    "parts": info["parts"]}, ensure_ascii=False, sort_keys=True) + "\n")
    if manifest:
        manifest.close()
    if parts:
        parts.close()
    if a.verbose:
        sys.stderr.write("gen-mail: %d messages, %d bytes in %s/ (%.2f s)\n"
                         % (written, total, outdir, time.monotonic() - t0))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
