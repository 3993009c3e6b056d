"""Words are split by Unicode rules, combining marks included, in every script."""
from __future__ import annotations

import unicodedata

from cafe.domain.harvest.words import words


def test_arabic_with_harakat_keeps_each_word_whole():
    assert words("الدَّعْمُ مِنَ الأَقْرَانِ مُهِمٌّ") == ["الدَّعْمُ", "مِنَ", "الأَقْرَانِ", "مُهِمٌّ"]


def test_devanagari_vowel_signs_and_viramas_stay_in_their_word():
    assert words("सहकर्मी सहायता महत्वपूर्ण है, हिन्दी।") == ["सहकर्मी", "सहायता", "महत्वपूर्ण", "है", "हिन्दी"]


def test_decomposed_accents_persian_joiners_and_latin_apostrophes():
    decomposed = unicodedata.normalize("NFD", "café naïve")
    assert words(decomposed) == decomposed.split()
    assert words("می‌خواهم بروم") == ["می‌خواهم", "بروم"]  # a zero-width non-joiner inside a Persian word
    assert words("Don't split peer-support") == ["don't", "split", "peer", "support"]


def test_marks_alone_and_punctuation_make_no_word():
    assert words("\u064e\u0650 … ، ؟") == []
