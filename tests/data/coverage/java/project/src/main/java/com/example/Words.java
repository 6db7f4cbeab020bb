package com.example;

/** Word-level helpers. */
final class Words {
    private Words() {}

    /** "hello" -> "Hello"; the rest of the word is lowercased. */
    static String capitalize(String word) {
        if (word.isEmpty()) {
            return word;
        }
        return Character.toUpperCase(word.charAt(0)) + word.substring(1);
    }
}
