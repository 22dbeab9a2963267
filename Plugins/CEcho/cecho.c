int ak_placeholder;
