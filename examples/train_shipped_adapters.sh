#!/usr/bin/env bash
# How the shipped SmolLM2 adapters are trained: >= 1,000 documents of up to 256 tokens (function- and
# class-level chunks of 93 standard-library modules plus the bundled set's train split; never its test
# split or HumanEval), one cut point per document, one epoch; Empower at eta = 1, 4 and 0.32 bits, SFT-10,
# SFT-20 and SFT-RAND on the same cut points. Resumable: a step whose output exists is skipped, so rerun
# the same command after an interruption. On 2 CPU cores each adapter takes tens of minutes.
#
#   bash examples/train_shipped_adapters.sh [OUT_DIR]          # default: runs/shipped-adapters
#   ONLY=empower-eta4 bash examples/train_shipped_adapters.sh  # one step (run two at once on two cores)
set -euo pipefail
OUT=${1:-runs/shipped-adapters}
THREADS=${THREADS:-1}
MODULES=json,textwrap,string,heapq,bisect,fractions,statistics,calendar,shlex,difflib,csv,glob,fnmatch,colorsys
MODULES+=,functools,random,base64,html,ipaddress,graphlib,collections,operator,enum,dataclasses,typing,pathlib
MODULES+=,argparse,configparser,datetime,copy,pprint,reprlib,queue,sched,ast,tokenize,inspect,zipfile,tarfile
MODULES+=,gzip,shutil,tempfile,urllib,email,http,logging,optparse,gettext,locale,codecs,pickle,plistlib,uuid
MODULES+=,hashlib,hmac,secrets,selectors,socket,ssl,subprocess,threading,concurrent,asyncio,sqlite3,xml
MODULES+=,imaplib,smtplib,ftplib,mailbox,wave,cmd,code,pdb,trace,timeit,contextlib,abc,numbers,struct,weakref
MODULES+=,tomllib,zipapp,venv,filecmp,fileinput,linecache,traceback,warnings,dis,pyclbr,symtable,keyword,token,re
CORPUS=(--corpus "stdlib:$MODULES" --limit 1200 --corpus problems:codeassist-core:train)
COMMON=(--base smollm2 --max-tokens 256 --seed 0 --threads "$THREADS")
TRAIN=(--base smollm2 --max-tokens 256 --batch-size 8 --lr 1e-3 --seed 0 --threads "$THREADS")
mkdir -p "$OUT"

step() {  # step NAME DATA_METHOD... -- TRAIN_METHOD
    local name=$1 method=$2; shift 2
    if [ -n "${ONLY:-}" ] && [ "$ONLY" != "$name" ]; then return; fi
    if [ ! -s "$OUT/$name.jsonl" ]; then
        codeassist data "$method" "${CORPUS[@]}" "${COMMON[@]}" "$@" --out "$OUT/$name.jsonl.part"
        mv "$OUT/$name.jsonl.part" "$OUT/$name.jsonl"
        if [ -f "$OUT/$name.jsonl.part.stats.json" ]; then mv "$OUT/$name.jsonl.part.stats.json" "$OUT/$name.jsonl.stats.json"; fi
    fi
    if [ ! -f "$OUT/$name/manifest.json" ]; then
        local train_method=$method
        case $method in sft) train_method="sft-$2" ;; sft-rand) train_method=sft-rand ;; esac
        codeassist train --method "$train_method" --data "$OUT/$name.jsonl" "${TRAIN[@]}" --out "$OUT/$name"
    fi
    echo "done: $OUT/$name"
}

step empower-eta1 empower --eta 1 --unit bits
step sft10 sft --n 10
step empower-eta4 empower --eta 4 --unit bits
step empower-eta0.32 empower --eta 0.32 --unit bits
step sft20 sft --n 20
step sftrand sft-rand --lo 1 --hi 30
