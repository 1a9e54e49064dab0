/** Where the Unity-Catalog-compatible routes live, as in Unity Catalog OSS. */
export const UC_PREFIX = '/api/2.1/unity-catalog';
